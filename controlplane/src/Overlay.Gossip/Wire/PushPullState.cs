using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

/// <summary>A whole push/pull message as read from a stream: the header, the node states it
/// announced, and the user (delegate) state that follows them (null when there is none).</summary>
internal sealed record PushPullState(PushPullHeader Header, IReadOnlyList<PushNodeState> Nodes, byte[]? UserState);
