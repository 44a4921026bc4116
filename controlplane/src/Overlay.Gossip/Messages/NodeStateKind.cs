namespace Overlay.Gossip.Messages;

/// <summary>A member's state as memberlist numbers it on the wire (pushNodeState.State).</summary>
public enum NodeStateKind : byte
{
    Alive = 0,
    Suspect = 1,
    Dead = 2,
    Left = 3,
}
