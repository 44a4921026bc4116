using System.Buffers;
using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

// Encoders: the message type byte, then the msgpack map with the keys in go-msgpack's order
// (sorted by field name), fields tagged omitempty in memberlist left out when empty. The output is
// byte-identical to memberlist's encode() (checked against golden bytes from the real package).
internal static partial class MemberlistCodec
{
    public static bool TryEncode(Ping m, Span<byte> destination, out int written) => Finish(Write(destination, m), out written);
    public static bool TryEncode(IndirectPing m, Span<byte> destination, out int written) => Finish(Write(destination, m), out written);
    public static bool TryEncode(AckResp m, Span<byte> destination, out int written) => Finish(Write(destination, m), out written);
    public static bool TryEncode(NackResp m, Span<byte> destination, out int written) => Finish(Write(destination, m), out written);
    public static bool TryEncode(Suspect m, Span<byte> destination, out int written) => Finish(Write(destination, m), out written);
    public static bool TryEncode(Alive m, Span<byte> destination, out int written) => Finish(Write(destination, m), out written);
    public static bool TryEncode(Dead m, Span<byte> destination, out int written) => Finish(Write(destination, m), out written);
    public static bool TryEncode(ErrResp m, Span<byte> destination, out int written) => Finish(Write(destination, m), out written);

    /// <summary>A user message for a packet: type 8 and the payload as it is.</summary>
    public static bool TryEncodeUser(ReadOnlySpan<byte> payload, Span<byte> destination, out int written)
    {
        var w = new MsgPackWriter(destination);
        w.WriteByte((byte)MessageType.User);
        w.WriteRawBytes(payload);
        return Finish(w, out written);
    }

    public static byte[] Encode(Ping m) => ToArray(m, static (d, x) => Write(d, x));
    public static byte[] Encode(IndirectPing m) => ToArray(m, static (d, x) => Write(d, x));
    public static byte[] Encode(AckResp m) => ToArray(m, static (d, x) => Write(d, x));
    public static byte[] Encode(NackResp m) => ToArray(m, static (d, x) => Write(d, x));
    public static byte[] Encode(Suspect m) => ToArray(m, static (d, x) => Write(d, x));
    public static byte[] Encode(Alive m) => ToArray(m, static (d, x) => Write(d, x));
    public static byte[] Encode(Dead m) => ToArray(m, static (d, x) => Write(d, x));
    public static byte[] Encode(ErrResp m) => ToArray(m, static (d, x) => Write(d, x));

    public static void WriteBody(ref MsgPackWriter w, Ping m)
    {
        bool hasAddr = m.SourceAddr is { Length: > 0 };
        bool hasPort = m.SourcePort != 0;
        bool hasNode = !string.IsNullOrEmpty(m.SourceNode);
        w.WriteMapHeader(2 + (hasAddr ? 1 : 0) + (hasPort ? 1 : 0) + (hasNode ? 1 : 0));
        w.WriteRaw("Node"u8); w.WriteString(m.Node);
        w.WriteRaw("SeqNo"u8); w.WriteUInt(m.SeqNo);
        if (hasAddr) { w.WriteRaw("SourceAddr"u8); w.WriteRaw(m.SourceAddr); }
        if (hasNode) { w.WriteRaw("SourceNode"u8); w.WriteString(m.SourceNode); }
        if (hasPort) { w.WriteRaw("SourcePort"u8); w.WriteUInt(m.SourcePort); }
    }

    public static void WriteBody(ref MsgPackWriter w, IndirectPing m)
    {
        bool hasAddr = m.SourceAddr is { Length: > 0 };
        bool hasPort = m.SourcePort != 0;
        bool hasNode = !string.IsNullOrEmpty(m.SourceNode);
        w.WriteMapHeader(5 + (hasAddr ? 1 : 0) + (hasPort ? 1 : 0) + (hasNode ? 1 : 0));
        w.WriteRaw("Nack"u8); w.WriteBool(m.Nack);
        w.WriteRaw("Node"u8); w.WriteString(m.Node);
        w.WriteRaw("Port"u8); w.WriteUInt(m.Port);
        w.WriteRaw("SeqNo"u8); w.WriteUInt(m.SeqNo);
        if (hasAddr) { w.WriteRaw("SourceAddr"u8); w.WriteRaw(m.SourceAddr); }
        if (hasNode) { w.WriteRaw("SourceNode"u8); w.WriteString(m.SourceNode); }
        if (hasPort) { w.WriteRaw("SourcePort"u8); w.WriteUInt(m.SourcePort); }
        w.WriteRaw("Target"u8); w.WriteBytesOrNil(m.Target);
    }

    public static void WriteBody(ref MsgPackWriter w, AckResp m)
    {
        w.WriteMapHeader(2);
        w.WriteRaw("Payload"u8); w.WriteBytesOrNil(m.Payload);
        w.WriteRaw("SeqNo"u8); w.WriteUInt(m.SeqNo);
    }

    public static void WriteBody(ref MsgPackWriter w, NackResp m)
    {
        w.WriteMapHeader(1);
        w.WriteRaw("SeqNo"u8); w.WriteUInt(m.SeqNo);
    }

    public static void WriteBody(ref MsgPackWriter w, ErrResp m)
    {
        w.WriteMapHeader(1);
        w.WriteRaw("Error"u8); w.WriteString(m.Error);
    }

    public static void WriteBody(ref MsgPackWriter w, Suspect m) => WriteAccusation(ref w, m.Incarnation, m.Node, m.From);

    public static void WriteBody(ref MsgPackWriter w, Dead m) => WriteAccusation(ref w, m.Incarnation, m.Node, m.From);

    public static void WriteBody(ref MsgPackWriter w, Alive m)
    {
        w.WriteMapHeader(6);
        w.WriteRaw("Addr"u8); w.WriteBytesOrNil(m.Addr);
        w.WriteRaw("Incarnation"u8); w.WriteUInt(m.Incarnation);
        w.WriteRaw("Meta"u8); w.WriteBytesOrNil(m.Meta);
        w.WriteRaw("Node"u8); w.WriteString(m.Node);
        w.WriteRaw("Port"u8); w.WriteUInt(m.Port);
        w.WriteRaw("Vsn"u8); w.WriteBytesOrNil(m.Vsn);
    }

    public static void WriteBody(ref MsgPackWriter w, PushPullHeader m)
    {
        w.WriteMapHeader(3);
        w.WriteRaw("Join"u8); w.WriteBool(m.Join);
        w.WriteRaw("Nodes"u8); w.WriteInt(m.Nodes);
        w.WriteRaw("UserStateLen"u8); w.WriteInt(m.UserStateLen);
    }

    public static void WriteBody(ref MsgPackWriter w, PushNodeState m)
    {
        w.WriteMapHeader(7);
        w.WriteRaw("Addr"u8); w.WriteBytesOrNil(m.Addr);
        w.WriteRaw("Incarnation"u8); w.WriteUInt(m.Incarnation);
        w.WriteRaw("Meta"u8); w.WriteBytesOrNil(m.Meta);
        w.WriteRaw("Name"u8); w.WriteString(m.Name);
        w.WriteRaw("Port"u8); w.WriteUInt(m.Port);
        w.WriteRaw("State"u8); w.WriteInt((int)m.State);
        w.WriteRaw("Vsn"u8); w.WriteBytesOrNil(m.Vsn);
    }

    public static void WriteUserMsgHeader(ref MsgPackWriter w, int userMsgLen)
    {
        w.WriteMapHeader(1);
        w.WriteRaw("UserMsgLen"u8); w.WriteInt(userMsgLen);
    }

    public static void WriteCompress(ref MsgPackWriter w, byte algo, ReadOnlySpan<byte> buf)
    {
        w.WriteMapHeader(2);
        w.WriteRaw("Algo"u8); w.WriteUInt(algo);
        w.WriteRaw("Buf"u8); w.WriteRaw(buf);
    }

    private static void WriteAccusation(ref MsgPackWriter w, uint incarnation, string node, string from)
    {
        w.WriteMapHeader(3);
        w.WriteRaw("From"u8); w.WriteString(from);
        w.WriteRaw("Incarnation"u8); w.WriteUInt(incarnation);
        w.WriteRaw("Node"u8); w.WriteString(node);
    }

    private static MsgPackWriter Write(Span<byte> d, Ping m) { var w = Typed(d, MessageType.Ping); WriteBody(ref w, m); return w; }
    private static MsgPackWriter Write(Span<byte> d, IndirectPing m) { var w = Typed(d, MessageType.IndirectPing); WriteBody(ref w, m); return w; }
    private static MsgPackWriter Write(Span<byte> d, AckResp m) { var w = Typed(d, MessageType.AckResp); WriteBody(ref w, m); return w; }
    private static MsgPackWriter Write(Span<byte> d, NackResp m) { var w = Typed(d, MessageType.NackResp); WriteBody(ref w, m); return w; }
    private static MsgPackWriter Write(Span<byte> d, Suspect m) { var w = Typed(d, MessageType.Suspect); WriteBody(ref w, m); return w; }
    private static MsgPackWriter Write(Span<byte> d, Alive m) { var w = Typed(d, MessageType.Alive); WriteBody(ref w, m); return w; }
    private static MsgPackWriter Write(Span<byte> d, Dead m) { var w = Typed(d, MessageType.Dead); WriteBody(ref w, m); return w; }
    private static MsgPackWriter Write(Span<byte> d, ErrResp m) { var w = Typed(d, MessageType.Err); WriteBody(ref w, m); return w; }

    private static MsgPackWriter Typed(Span<byte> destination, MessageType type)
    {
        var w = new MsgPackWriter(destination);
        w.WriteByte((byte)type);
        return w;
    }

    private static bool Finish(MsgPackWriter w, out int written)
    {
        written = w.Overflowed ? 0 : w.Position;
        return !w.Overflowed;
    }

    private delegate MsgPackWriter WriteFn<T>(Span<byte> destination, T message);

    /// <summary>Encodes into a pooled buffer, doubling it until the message fits, and copies out.</summary>
    private static byte[] ToArray<T>(T message, WriteFn<T> write)
    {
        for (int size = 1024; size <= MaxEncodedMessage; size *= 2)
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                MsgPackWriter w = write(rented, message);
                if (!w.Overflowed)
                {
                    return rented.AsSpan(0, w.Position).ToArray();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        throw new ArgumentException($"{typeof(T).Name} encodes to more than {MaxEncodedMessage} bytes", nameof(message));
    }

    /// <summary>No memberlist message comes near this; push/pull state has its own limit.</summary>
    private const int MaxEncodedMessage = 64 * 1024 * 1024;
}
