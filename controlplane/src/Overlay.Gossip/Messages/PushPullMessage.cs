namespace Overlay.Gossip.Messages;

/// <summary>One side of a push/pull exchange as it travels on a stream: memberlist writes a
/// <see cref="PushPullHeader"/> (<c>Nodes.Count</c>, <c>UserState.Length</c>, <see cref="Join"/>), then every
/// <see cref="PushNodeState"/>, then the user state bytes. The codec derives the header from this record.</summary>
public sealed record PushPullMessage(IReadOnlyList<PushNodeState> Nodes, byte[]? UserState, bool Join)
{
    /// <summary>The header memberlist writes in front of the node states.</summary>
    public PushPullHeader Header => new(Nodes.Count, UserState?.Length ?? 0, Join);
}
