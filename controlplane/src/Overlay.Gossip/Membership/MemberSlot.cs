using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Membership;

/// <summary>What one node believes about one member. 32 bytes: the simulator keeps N² of these.</summary>
internal struct MemberSlot
{
    /// <summary>The <see cref="Alive"/> or <see cref="PushNodeState"/> that last described the member (see
    /// <see cref="MemberIdentity"/>); its own incarnation and state fields are not used.</summary>
    public object Identity;

    /// <summary>The member's name (also in <see cref="Identity"/>; kept here so a lookup compares references
    /// without dereferencing the record).</summary>
    public string Name;

    public uint Incarnation;

    /// <summary>When <see cref="State"/> last changed, in whole seconds since the node's epoch.</summary>
    public int StateChangeSeconds;

    /// <summary>Hash of the member's name, for the table's index.</summary>
    public int Hash;

    public NodeStateKind State;

    public readonly bool IsDeadOrLeft => State is NodeStateKind.Dead or NodeStateKind.Left;
}
