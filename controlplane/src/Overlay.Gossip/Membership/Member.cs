using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Membership;

/// <summary>A snapshot of what a node believes about one member (memberlist's Node plus its state).</summary>
public readonly record struct Member(
    string Name,
    GossipEndPoint EndPoint,
    byte[]? Meta,
    uint Incarnation,
    NodeStateKind State,
    DateTimeOffset StateChange);
