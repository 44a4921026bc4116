using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

// Body decoders: each takes the msgpack body (after the message type byte) and returns a
// WireError; on success the record is set. Trailing bytes after the body are ignored, as
// memberlist's decode ignores them. The ref-reader overloads leave the reader after the value
// (stream decoding reads several values in a row).
internal static partial class MemberlistCodec
{
    public static WireError TryDecode(ReadOnlySpan<byte> body, out Ping? message)
    {
        var r = new MsgPackReader(body);
        return TryRead(ref r, out message);
    }

    public static WireError TryRead(ref MsgPackReader r, out Ping? message)
    {
        message = null;
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        uint seqNo = 0;
        string node = string.Empty;
        byte[]? sourceAddr = null;
        ushort sourcePort = 0;
        string? sourceNode = null;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, PingFields, i, isArray, out int field);
            if (e != WireError.None)
            {
                break;
            }
            switch (field)
            {
                case 0: e = ReadUInt32(ref r, out seqNo); break;
                case 1: e = ReadString(ref r, out node); break;
                case 2: e = ReadBytes(ref r, out sourceAddr); break;
                case 3: e = ReadUInt16(ref r, out sourcePort); break;
                case 4: e = ReadString(ref r, out string sn); sourceNode = sn.Length == 0 ? null : sn; break;
                default: e = r.TrySkip(); break;
            }
        }
        if (e == WireError.None)
        {
            message = new Ping(seqNo, node, sourceAddr, sourcePort, sourceNode);
        }
        return e;
    }

    public static WireError TryDecode(ReadOnlySpan<byte> body, out IndirectPing? message)
    {
        message = null;
        var r = new MsgPackReader(body);
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        uint seqNo = 0;
        byte[]? target = null;
        ushort port = 0;
        string node = string.Empty;
        bool nack = false;
        byte[]? sourceAddr = null;
        ushort sourcePort = 0;
        string? sourceNode = null;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, IndirectPingFields, i, isArray, out int field);
            if (e != WireError.None)
            {
                break;
            }
            switch (field)
            {
                case 0: e = ReadUInt32(ref r, out seqNo); break;
                case 1: e = ReadBytes(ref r, out target); break;
                case 2: e = ReadUInt16(ref r, out port); break;
                case 3: e = ReadString(ref r, out node); break;
                case 4: e = ReadBool(ref r, out nack); break;
                case 5: e = ReadBytes(ref r, out sourceAddr); break;
                case 6: e = ReadUInt16(ref r, out sourcePort); break;
                case 7: e = ReadString(ref r, out string sn); sourceNode = sn.Length == 0 ? null : sn; break;
                default: e = r.TrySkip(); break;
            }
        }
        if (e == WireError.None)
        {
            message = new IndirectPing(seqNo, target ?? [], port, node, nack, sourceAddr, sourcePort, sourceNode);
        }
        return e;
    }

    public static WireError TryDecode(ReadOnlySpan<byte> body, out AckResp? message)
    {
        var r = new MsgPackReader(body);
        return TryRead(ref r, out message);
    }

    public static WireError TryRead(ref MsgPackReader r, out AckResp? message)
    {
        message = null;
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        uint seqNo = 0;
        byte[]? payload = null;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, AckFields, i, isArray, out int field);
            if (e != WireError.None)
            {
                break;
            }
            switch (field)
            {
                case 0: e = ReadUInt32(ref r, out seqNo); break;
                case 1: e = ReadBytes(ref r, out payload); break;
                default: e = r.TrySkip(); break;
            }
        }
        if (e == WireError.None)
        {
            message = new AckResp(seqNo, payload);
        }
        return e;
    }

    public static WireError TryDecode(ReadOnlySpan<byte> body, out NackResp? message)
    {
        message = null;
        var r = new MsgPackReader(body);
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        uint seqNo = 0;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, NackFields, i, isArray, out int field);
            if (e == WireError.None)
            {
                e = field == 0 ? ReadUInt32(ref r, out seqNo) : r.TrySkip();
            }
        }
        if (e == WireError.None)
        {
            message = new NackResp(seqNo);
        }
        return e;
    }

    public static WireError TryDecode(ReadOnlySpan<byte> body, out ErrResp? message)
    {
        var r = new MsgPackReader(body);
        return TryRead(ref r, out message);
    }

    public static WireError TryRead(ref MsgPackReader r, out ErrResp? message)
    {
        message = null;
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        string error = string.Empty;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, ErrFields, i, isArray, out int field);
            if (e == WireError.None)
            {
                e = field == 0 ? ReadString(ref r, out error) : r.TrySkip();
            }
        }
        if (e == WireError.None)
        {
            message = new ErrResp(error);
        }
        return e;
    }

    public static WireError TryDecode(ReadOnlySpan<byte> body, out Suspect? message)
    {
        message = null;
        WireError e = TryDecodeAccusation(body, out uint incarnation, out string node, out string from);
        if (e == WireError.None)
        {
            message = new Suspect(incarnation, node, from);
        }
        return e;
    }

    public static WireError TryDecode(ReadOnlySpan<byte> body, out Dead? message)
    {
        message = null;
        WireError e = TryDecodeAccusation(body, out uint incarnation, out string node, out string from);
        if (e == WireError.None)
        {
            message = new Dead(incarnation, node, from);
        }
        return e;
    }

    private static WireError TryDecodeAccusation(ReadOnlySpan<byte> body, out uint incarnation, out string node, out string from)
    {
        var r = new MsgPackReader(body);
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        incarnation = 0;
        node = string.Empty;
        from = string.Empty;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, AccuseFields, i, isArray, out int field);
            if (e != WireError.None)
            {
                break;
            }
            switch (field)
            {
                case 0: e = ReadUInt32(ref r, out incarnation); break;
                case 1: e = ReadString(ref r, out node); break;
                case 2: e = ReadString(ref r, out from); break;
                default: e = r.TrySkip(); break;
            }
        }
        return e;
    }

    public static WireError TryDecode(ReadOnlySpan<byte> body, out Alive? message)
    {
        message = null;
        var r = new MsgPackReader(body);
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        uint incarnation = 0;
        string node = string.Empty;
        byte[]? addr = null;
        ushort port = 0;
        byte[]? meta = null;
        byte[]? vsn = null;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, AliveFields, i, isArray, out int field);
            if (e != WireError.None)
            {
                break;
            }
            switch (field)
            {
                case 0: e = ReadUInt32(ref r, out incarnation); break;
                case 1: e = ReadString(ref r, out node); break;
                case 2: e = ReadBytes(ref r, out addr); break;
                case 3: e = ReadUInt16(ref r, out port); break;
                case 4: e = ReadBytes(ref r, out meta); break;
                case 5: e = ReadBytes(ref r, out vsn); break;
                default: e = r.TrySkip(); break;
            }
        }
        if (e == WireError.None)
        {
            message = new Alive(incarnation, node, addr ?? [], port, meta, vsn ?? []);
        }
        return e;
    }

    public static WireError TryRead(ref MsgPackReader r, out PushPullHeader? message)
    {
        message = null;
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        int nodes = 0;
        int userStateLen = 0;
        bool join = false;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, PushPullHeaderFields, i, isArray, out int field);
            if (e != WireError.None)
            {
                break;
            }
            switch (field)
            {
                case 0: e = ReadGoInt(ref r, out nodes); break;
                case 1: e = ReadGoInt(ref r, out userStateLen); break;
                case 2: e = ReadBool(ref r, out join); break;
                default: e = r.TrySkip(); break;
            }
        }
        if (e == WireError.None)
        {
            message = new PushPullHeader(nodes, userStateLen, join);
        }
        return e;
    }

    public static WireError TryRead(ref MsgPackReader r, out PushNodeState? message)
    {
        message = null;
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        string name = string.Empty;
        byte[]? addr = null;
        ushort port = 0;
        byte[]? meta = null;
        uint incarnation = 0;
        int state = 0;
        byte[]? vsn = null;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, PushNodeStateFields, i, isArray, out int field);
            if (e != WireError.None)
            {
                break;
            }
            switch (field)
            {
                case 0: e = ReadString(ref r, out name); break;
                case 1: e = ReadBytes(ref r, out addr); break;
                case 2: e = ReadUInt16(ref r, out port); break;
                case 3: e = ReadBytes(ref r, out meta); break;
                case 4: e = ReadUInt32(ref r, out incarnation); break;
                case 5: e = ReadGoInt(ref r, out state); break;
                case 6: e = ReadBytes(ref r, out vsn); break;
                default: e = r.TrySkip(); break;
            }
        }
        if (e == WireError.None && state is < 0 or > byte.MaxValue)
        {
            e = WireError.BadMsgPack;
        }
        if (e == WireError.None)
        {
            message = new PushNodeState(name, addr ?? [], port, meta, incarnation, (NodeStateKind)state, vsn ?? []);
        }
        return e;
    }

    /// <summary>The header of a user message on a stream (memberlist's userMsgHeader).</summary>
    public static WireError TryReadUserMsgHeader(ref MsgPackReader r, out int userMsgLen)
    {
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        userMsgLen = 0;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, UserMsgHeaderFields, i, isArray, out int field);
            if (e == WireError.None)
            {
                e = field == 0 ? ReadGoInt(ref r, out userMsgLen) : r.TrySkip();
            }
        }
        return e;
    }

    /// <summary>memberlist's compress{Algo, Buf} body. Buf is a slice of the input.</summary>
    public static WireError TryReadCompress(ref MsgPackReader r, out byte algo, out ReadOnlySpan<byte> buf)
    {
        WireError e = ReadStructHeader(ref r, out int count, out bool isArray);
        algo = 0;
        buf = default;
        for (int i = 0; i < count && e == WireError.None; i++)
        {
            e = ReadFieldIndex(ref r, CompressFields, i, isArray, out int field);
            if (e != WireError.None)
            {
                break;
            }
            switch (field)
            {
                case 0: e = ReadUInt8(ref r, out algo); break;
                case 1: e = r.TryReadRaw(out buf, out _); break;
                default: e = r.TrySkip(); break;
            }
        }
        return e;
    }
}
