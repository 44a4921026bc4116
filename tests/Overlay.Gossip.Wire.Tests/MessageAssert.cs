using Overlay.Gossip.Messages;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests;

/// <summary>Field-by-field equality for the message records (their byte[] fields compare by
/// reference under record equality).</summary>
internal static class MessageAssert
{
    public static void Equal(object expected, object actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(Describe(expected), Describe(actual));
    }

    public static string Describe(object message) => message switch
    {
        Ping p => $"Ping {p.SeqNo} {p.Node} {Hex(p.SourceAddr)} {p.SourcePort} {p.SourceNode ?? "<null>"}",
        IndirectPing p => $"IndirectPing {p.SeqNo} {Hex(p.Target)} {p.Port} {p.Node} {p.Nack} {Hex(p.SourceAddr)} {p.SourcePort} {p.SourceNode ?? "<null>"}",
        AckResp a => $"AckResp {a.SeqNo} {Hex(a.Payload)}",
        NackResp n => $"NackResp {n.SeqNo}",
        Suspect s => $"Suspect {s.Incarnation} {s.Node} {s.From}",
        Alive a => $"Alive {a.Incarnation} {a.Node} {Hex(a.Addr)} {a.Port} {Hex(a.Meta)} {Hex(a.Vsn)}",
        Dead d => $"Dead {d.Incarnation} {d.Node} {d.From}",
        ErrResp e => $"ErrResp {e.Error}",
        PushPullHeader h => $"PushPullHeader {h.Nodes} {h.UserStateLen} {h.Join}",
        PushNodeState n => $"PushNodeState {n.Name} {Hex(n.Addr)} {n.Port} {Hex(n.Meta)} {n.Incarnation} {n.State} {Hex(n.Vsn)}",
        byte[] b => $"bytes {Hex(b)}",
        _ => message.ToString() ?? "",
    };

    public static string Hex(byte[]? bytes) => bytes is null ? "<nil>" : "[" + Convert.ToHexString(bytes) + "]";

    /// <summary>Encodes any packet message record with the codec (type byte included).</summary>
    public static byte[] Encode(object message) => message switch
    {
        Ping p => MemberlistCodec.Encode(p),
        IndirectPing p => MemberlistCodec.Encode(p),
        AckResp a => MemberlistCodec.Encode(a),
        NackResp n => MemberlistCodec.Encode(n),
        Suspect s => MemberlistCodec.Encode(s),
        Alive a => MemberlistCodec.Encode(a),
        Dead d => MemberlistCodec.Encode(d),
        ErrResp e => MemberlistCodec.Encode(e),
        _ => throw new ArgumentException(message.GetType().Name),
    };
}
