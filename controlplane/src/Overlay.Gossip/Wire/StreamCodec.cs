using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

/// <summary>Plaintext stream (TCP) messages. A stream message is a type byte and msgpack values
/// with no outer length: push/pull is the header, that many node states, then UserStateLen raw
/// bytes; a user message is userMsgHeader{UserMsgLen} then the bytes; ping, ack and err are one
/// body each; a compressed message (type 9) wraps one of these. Encryption and the label header
/// are in Overlay.Gossip.Security.StreamEnvelope.</summary>
internal static class StreamCodec
{
    public static byte[] EncodePushPull(bool join, IReadOnlyList<PushNodeState> nodes, ReadOnlySpan<byte> userState)
    {
        for (int size = 256 + 128 * nodes.Count + userState.Length; ; size *= 2)
        {
            var buffer = new byte[size];
            var w = new MsgPackWriter(buffer);
            w.WriteByte((byte)MessageType.PushPull);
            MemberlistCodec.WriteBody(ref w, new PushPullHeader(nodes.Count, userState.Length, join));
            for (int i = 0; i < nodes.Count; i++)
            {
                MemberlistCodec.WriteBody(ref w, nodes[i]);
            }
            w.WriteRawBytes(userState);
            if (!w.Overflowed)
            {
                return buffer.AsSpan(0, w.Position).ToArray();
            }
        }
    }

    /// <summary>A user message as memberlist's sendUserMsg writes it on a stream.</summary>
    public static byte[] EncodeUserMessage(ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[payload.Length + 32];
        var w = new MsgPackWriter(buffer);
        w.WriteByte((byte)MessageType.User);
        MemberlistCodec.WriteUserMsgHeader(ref w, payload.Length);
        w.WriteRawBytes(payload);
        return buffer.AsSpan(0, w.Position).ToArray();
    }

    /// <summary>Decodes one plaintext stream message from the bytes buffered so far.
    /// <see cref="WireError.Truncated"/> means "read more and call again" (the caller bounds the
    /// buffer with <see cref="StreamLimits.MaxMessageBytes"/>). On success <paramref name="consumed"/>
    /// is the message's length and <paramref name="message"/> holds a <see cref="PushPullState"/>,
    /// <see cref="Ping"/>, <see cref="AckResp"/>, <see cref="ErrResp"/> or a user payload (byte[]).</summary>
    public static WireError TryDecode(ReadOnlySpan<byte> buffered, in StreamLimits limits, out int consumed, out DecodedMessage message)
    {
        consumed = 0;
        message = default;
        if (buffered.IsEmpty)
        {
            return WireError.Truncated;
        }
        var type = (MessageType)buffered[0];
        var r = new MsgPackReader(buffered[1..]);
        WireError e;
        object? body = null;
        switch (type)
        {
            case MessageType.Compress:
            {
                e = CompressedMessage.TryDecompress(ref r, limits.MaxDecompressedBytes, out byte[] inner);
                if (e != WireError.None)
                {
                    return e;
                }
                if (inner.Length > 0 && inner[0] == (byte)MessageType.Compress)
                {
                    return WireError.NestingTooDeep;
                }
                e = TryDecodeComplete(inner, limits, out message);
                if (e == WireError.None)
                {
                    consumed = 1 + r.Position;
                }
                return e;
            }
            case MessageType.PushPull:
                e = TryReadPushPull(ref r, limits, out PushPullState? state);
                body = state;
                break;
            case MessageType.User:
                e = TryReadUser(ref r, limits, out byte[]? payload);
                body = payload;
                break;
            case MessageType.Ping:
                e = MemberlistCodec.TryRead(ref r, out Ping? ping);
                body = ping;
                break;
            case MessageType.AckResp:
                e = MemberlistCodec.TryRead(ref r, out AckResp? ack);
                body = ack;
                break;
            case MessageType.Err:
                e = MemberlistCodec.TryRead(ref r, out ErrResp? err);
                body = err;
                break;
            case MessageType.Encrypt:
            case MessageType.HasLabel:
            case MessageType.Compound:
            case MessageType.HasCrc:
            case MessageType.IndirectPing:
            case MessageType.NackResp:
            case MessageType.Suspect:
            case MessageType.Alive:
            case MessageType.Dead:
                return WireError.UnexpectedType;
            default:
                return WireError.UnknownType;
        }
        if (e == WireError.None && body is not null)
        {
            consumed = 1 + r.Position;
            message = new DecodedMessage(type, body);
        }
        else if (e == WireError.Truncated && buffered.Length >= limits.MaxMessageBytes)
        {
            e = WireError.TooLarge;
        }
        return e;
    }

    /// <summary>Decodes a message that is complete (decrypted or decompressed): running out of
    /// bytes is then final, reported as <see cref="WireError.BadMsgPack"/>.</summary>
    public static WireError TryDecodeComplete(ReadOnlySpan<byte> complete, in StreamLimits limits, out DecodedMessage message)
    {
        WireError e = TryDecode(complete, limits, out _, out message);
        return e == WireError.Truncated ? WireError.BadMsgPack : e;
    }

    private static WireError TryReadPushPull(ref MsgPackReader r, in StreamLimits limits, out PushPullState? state)
    {
        state = null;
        WireError e = MemberlistCodec.TryRead(ref r, out PushPullHeader? header);
        if (e != WireError.None)
        {
            return e;
        }
        if (header!.Nodes < 0 || header.UserStateLen < 0)
        {
            return WireError.BadMsgPack;
        }
        if (header.Nodes > limits.MaxNodes || header.UserStateLen > limits.MaxMessageBytes)
        {
            return WireError.TooLarge;
        }
        var nodes = new List<PushNodeState>(Math.Min(header.Nodes, 256));
        for (int i = 0; i < header.Nodes; i++)
        {
            e = MemberlistCodec.TryRead(ref r, out PushNodeState? node);
            if (e != WireError.None)
            {
                return e;
            }
            nodes.Add(node!);
        }
        byte[]? user = null;
        if (header.UserStateLen > 0)
        {
            if (r.Remaining < header.UserStateLen)
            {
                return WireError.Truncated;
            }
            user = r.Rest[..header.UserStateLen].ToArray();
            r.Advance(header.UserStateLen);
        }
        state = new PushPullState(header, nodes, user);
        return WireError.None;
    }

    private static WireError TryReadUser(ref MsgPackReader r, in StreamLimits limits, out byte[]? payload)
    {
        payload = null;
        WireError e = MemberlistCodec.TryReadUserMsgHeader(ref r, out int length);
        if (e != WireError.None)
        {
            return e;
        }
        if (length < 0)
        {
            return WireError.BadMsgPack;
        }
        if (length > limits.MaxMessageBytes)
        {
            return WireError.TooLarge;
        }
        if (r.Remaining < length)
        {
            return WireError.Truncated;
        }
        payload = r.Rest[..length].ToArray();
        r.Advance(length);
        return WireError.None;
    }
}
