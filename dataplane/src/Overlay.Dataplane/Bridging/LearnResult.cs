namespace Overlay.Dataplane.Bridging;

/// <summary>What learning a source MAC did.</summary>
public enum LearnResult : byte
{
    /// <summary>The entry already pointed there; its age was refreshed.</summary>
    Refreshed,
    /// <summary>Refreshed, and due to be shared with the other workers' replicas (see <see cref="ForwardingTable.Learn"/>).</summary>
    RefreshedShare,
    /// <summary>A new dynamic entry.</summary>
    Created,
    /// <summary>A dynamic entry moved to a new port or VTEP (a MAC move).</summary>
    Moved,
    /// <summary>A static entry points elsewhere: the kernel drops such a frame.</summary>
    StaticConflict,
    /// <summary>The table is at its cap (maxaddress): nothing learned.</summary>
    Full,
}
