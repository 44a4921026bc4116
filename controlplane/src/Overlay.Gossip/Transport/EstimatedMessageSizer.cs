using System.Text;
using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Transport;

/// <summary>
/// Sizes messages the way memberlist encodes them: a type byte, then the struct as a msgpack map keyed by field
/// name (fixmap, fixstr/str8 keys and strings, bin8/bin16 byte arrays, the smallest uint encoding, omitempty
/// source fields left out when empty). Exact for plain packets as far as those rules go; the wire codec replaces
/// it with a sizer that encodes. No label, no encryption, no CRC unless <see cref="PacketOverhead"/> is set.
/// </summary>
public sealed class EstimatedMessageSizer : IMessageSizer
{
    public static readonly EstimatedMessageSizer Instance = new();

    public EstimatedMessageSizer(int packetOverhead = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(packetOverhead);
        PacketOverhead = packetOverhead;
    }

    public int PacketOverhead { get; }

    public int CompoundHeaderOverhead => 2;

    public int CompoundEntryOverhead => 2;

    public int SizeOf(object message) => 1 + message switch
    {
        Ping p => 1 + Key(5) + Uint(p.SeqNo) + Key(4) + Str(p.Node) + Source(p.SourceAddr, p.SourcePort, p.SourceNode),
        IndirectPing i => 1 + Key(5) + Uint(i.SeqNo) + Key(6) + Bin(i.Target) + Key(4) + Uint(i.Port) + Key(4) + Str(i.Node)
            + Key(4) + 1 + Source(i.SourceAddr, i.SourcePort, i.SourceNode),
        AckResp a => 1 + Key(5) + Uint(a.SeqNo) + Key(7) + Bin(a.Payload),
        NackResp n => 1 + Key(5) + Uint(n.SeqNo),
        Suspect s => 1 + Key(11) + Uint(s.Incarnation) + Key(4) + Str(s.Node) + Key(4) + Str(s.From),
        Dead d => 1 + Key(11) + Uint(d.Incarnation) + Key(4) + Str(d.Node) + Key(4) + Str(d.From),
        Alive a => 1 + Key(11) + Uint(a.Incarnation) + Key(4) + Str(a.Node) + Key(4) + Bin(a.Addr) + Key(4) + Uint(a.Port)
            + Key(4) + Bin(a.Meta) + Key(3) + Bin(a.Vsn),
        UserMessage u => u.Payload.Length,
        ErrResp e => 1 + Key(5) + Str(e.Error),
        PushPullMessage s => SizeOf(s) - 1,
        _ => throw new ArgumentException($"{message.GetType().Name} is not a gossip message record", nameof(message)),
    };

    public int SizeOf(PushPullMessage state)
    {
        // type byte, header map {Nodes, UserStateLen, Join}, the node states, the user state.
        int size = 1 + 1 + Key(5) + Uint((uint)state.Nodes.Count) + Key(12) + Uint((uint)(state.UserState?.Length ?? 0)) + Key(4) + 1;
        foreach (PushNodeState n in state.Nodes)
        {
            size += 1 + Key(4) + Str(n.Name) + Key(4) + Bin(n.Addr) + Key(4) + Uint(n.Port) + Key(4) + Bin(n.Meta)
                + Key(11) + Uint(n.Incarnation) + Key(5) + 1 + Key(3) + Bin(n.Vsn);
        }
        return size + (state.UserState?.Length ?? 0);
    }

    private static int Source(byte[]? addr, ushort port, string? node) =>
        (addr is null or { Length: 0 } ? 0 : Key(10) + Bin(addr))
        + (port == 0 ? 0 : Key(10) + Uint(port))
        + (string.IsNullOrEmpty(node) ? 0 : Key(10) + Str(node));

    private static int Key(int length) => 1 + length;

    private static int Uint(uint value) => value < 128 ? 1 : value < 256 ? 2 : value < 65536 ? 3 : 5;

    private static int Str(string? value)
    {
        int n = value is null ? 0 : Encoding.UTF8.GetByteCount(value);
        return n < 32 ? 1 + n : n < 256 ? 2 + n : n < 65536 ? 3 + n : 5 + n;
    }

    private static int Bin(byte[]? value) => value is null ? 1
        : value.Length < 256 ? 2 + value.Length : value.Length < 65536 ? 3 + value.Length : 5 + value.Length;
}
