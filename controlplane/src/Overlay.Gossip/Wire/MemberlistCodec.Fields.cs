using System.Text;

namespace Overlay.Gossip.Wire;

// Field names and the field readers shared by the decoders. memberlist's structs travel as msgpack
// maps keyed by the Go field name; go-msgpack writes the keys sorted by name and, when decoding,
// accepts any order, skips unknown keys, reads nil as the zero value, and also accepts an array
// holding the fields in declaration order. The tables below are in DECLARATION order (the array
// form); the encoders write the sorted order by hand.
internal static partial class MemberlistCodec
{
    private static readonly byte[][] PingFields = Names("SeqNo", "Node", "SourceAddr", "SourcePort", "SourceNode");
    private static readonly byte[][] IndirectPingFields = Names("SeqNo", "Target", "Port", "Node", "Nack", "SourceAddr", "SourcePort", "SourceNode");
    private static readonly byte[][] AckFields = Names("SeqNo", "Payload");
    private static readonly byte[][] NackFields = Names("SeqNo");
    private static readonly byte[][] ErrFields = Names("Error");
    private static readonly byte[][] AccuseFields = Names("Incarnation", "Node", "From"); // suspect and dead
    private static readonly byte[][] AliveFields = Names("Incarnation", "Node", "Addr", "Port", "Meta", "Vsn");
    private static readonly byte[][] PushPullHeaderFields = Names("Nodes", "UserStateLen", "Join");
    private static readonly byte[][] PushNodeStateFields = Names("Name", "Addr", "Port", "Meta", "Incarnation", "State", "Vsn");
    private static readonly byte[][] UserMsgHeaderFields = Names("UserMsgLen");
    private static readonly byte[][] CompressFields = Names("Algo", "Buf");

    private const int UnknownField = -1;

    private static byte[][] Names(params string[] names)
    {
        var result = new byte[names.Length][];
        for (int i = 0; i < names.Length; i++)
        {
            result[i] = Encoding.ASCII.GetBytes(names[i]);
        }
        return result;
    }

    /// <summary>Reads the struct header. <paramref name="isArray"/> selects positional fields.</summary>
    private static WireError ReadStructHeader(ref MsgPackReader r, out int count, out bool isArray)
    {
        if (r.TryReadNil())
        {
            count = 0;
            isArray = false;
            return WireError.None; // a nil struct decodes as all zero values
        }
        return r.TryReadContainerHeader(out count, out isArray);
    }

    /// <summary>The declaration index of the i-th entry: positional for arrays, by key for maps.</summary>
    private static WireError ReadFieldIndex(ref MsgPackReader r, byte[][] fields, int i, bool isArray, out int field)
    {
        if (isArray)
        {
            field = i < fields.Length ? i : UnknownField;
            return WireError.None;
        }
        field = UnknownField;
        WireError e = r.TryReadRaw(out ReadOnlySpan<byte> key, out bool isNil);
        if (e != WireError.None)
        {
            return e;
        }
        if (isNil)
        {
            return WireError.BadMsgPack;
        }
        for (int f = 0; f < fields.Length; f++)
        {
            if (key.SequenceEqual(fields[f]))
            {
                field = f;
                break;
            }
        }
        return WireError.None;
    }

    private static WireError ReadUInt32(ref MsgPackReader r, out uint value)
    {
        WireError e = ReadUnsigned(ref r, uint.MaxValue, out ulong v);
        value = (uint)v;
        return e;
    }

    private static WireError ReadUInt16(ref MsgPackReader r, out ushort value)
    {
        WireError e = ReadUnsigned(ref r, ushort.MaxValue, out ulong v);
        value = (ushort)v;
        return e;
    }

    private static WireError ReadUInt8(ref MsgPackReader r, out byte value)
    {
        WireError e = ReadUnsigned(ref r, byte.MaxValue, out ulong v);
        value = (byte)v;
        return e;
    }

    private static WireError ReadUnsigned(ref MsgPackReader r, ulong max, out ulong value)
    {
        if (r.TryReadNil())
        {
            value = 0;
            return WireError.None;
        }
        return r.TryReadUInt(max, out value);
    }

    /// <summary>A Go int (push/pull counts and lengths, node state): must fit in a C# int.</summary>
    private static WireError ReadGoInt(ref MsgPackReader r, out int value)
    {
        value = 0;
        if (r.TryReadNil())
        {
            return WireError.None;
        }
        WireError e = r.TryReadInt64(out long v);
        if (e != WireError.None)
        {
            return e;
        }
        if (v is < int.MinValue or > int.MaxValue)
        {
            return WireError.TooLarge;
        }
        value = (int)v;
        return WireError.None;
    }

    private static WireError ReadBool(ref MsgPackReader r, out bool value)
    {
        if (r.TryReadNil())
        {
            value = false;
            return WireError.None;
        }
        return r.TryReadBool(out value);
    }

    private static WireError ReadString(ref MsgPackReader r, out string value)
    {
        WireError e = r.TryReadRaw(out ReadOnlySpan<byte> raw, out _);
        value = e == WireError.None && raw.Length > 0 ? Encoding.UTF8.GetString(raw) : string.Empty;
        return e;
    }

    /// <summary>A Go []byte: null for nil, a copy otherwise. Also accepts an array of small
    /// integers, which go-msgpack decodes into a []uint8 as well.</summary>
    private static WireError ReadBytes(ref MsgPackReader r, out byte[]? value)
    {
        value = null;
        if (r.TryPeek(out byte code) && (code is >= MsgPackCode.FixArrayMin and <= MsgPackCode.FixArrayMax or MsgPackCode.Array16 or MsgPackCode.Array32))
        {
            WireError ae = r.TryReadContainerHeader(out int count, out _);
            if (ae != WireError.None)
            {
                return ae;
            }
            if (count > r.Remaining)
            {
                return WireError.Truncated;
            }
            byte[] items = count == 0 ? [] : new byte[count];
            for (int i = 0; i < count; i++)
            {
                ae = ReadUInt8(ref r, out items[i]);
                if (ae != WireError.None)
                {
                    return ae;
                }
            }
            value = items;
            return WireError.None;
        }
        WireError e = r.TryReadRaw(out ReadOnlySpan<byte> raw, out bool isNil);
        if (e == WireError.None && !isNil)
        {
            value = raw.ToArray();
        }
        return e;
    }
}
