using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Membership;

/// <summary>
/// A member's identity (name, address, meta, protocol versions) is the immutable message record that last
/// described it: an <see cref="Alive"/> or a <see cref="PushNodeState"/>. Keeping that record instead of copying its
/// fields saves an object per member per node; in the simulator the same record is shared by every node that
/// heard it, which is what makes 10,000 nodes of 10,000 members fit in memory.
/// </summary>
internal static class MemberIdentity
{
    public static string Name(object identity) => identity is Alive a ? a.Node : ((PushNodeState)identity).Name;

    public static byte[] Addr(object identity) => identity is Alive a ? a.Addr : ((PushNodeState)identity).Addr;

    public static ushort Port(object identity) => identity is Alive a ? a.Port : ((PushNodeState)identity).Port;

    public static byte[]? Meta(object identity) => identity is Alive a ? a.Meta : ((PushNodeState)identity).Meta;

    public static byte[] Vsn(object identity) => identity is Alive a ? a.Vsn : ((PushNodeState)identity).Vsn;

    public static GossipEndPoint EndPoint(object identity) => GossipEndPoint.FromBytes(Addr(identity), Port(identity));

    /// <summary>Same address, port, meta and versions (the name is assumed equal).</summary>
    public static bool SameDescription(object identity, byte[] addr, ushort port, byte[]? meta, byte[] vsn) =>
        Port(identity) == port
        && Addr(identity).AsSpan().SequenceEqual(addr)
        && Meta(identity).AsSpan().SequenceEqual(meta)
        && Vsn(identity).AsSpan().SequenceEqual(vsn);
}
