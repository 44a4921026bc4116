namespace Overlay.ControlPlane.Endpoints;

/// <summary>What merging a remote record did to the table.</summary>
public enum MergeOutcome : byte
{
    /// <summary>Old or duplicate news: nothing changed, nothing to pass on.</summary>
    Unchanged,

    /// <summary>The record was news and replaced what the table held for its key.</summary>
    Applied,

    /// <summary>The record spoke for this node but is not what this node holds (an earlier life of ours, or a
    /// stale copy): the table kept ours and wrote it again above the claim, to be broadcast.</summary>
    Refuted,

    /// <summary>Refused: invalid, or its owner has been gone longer than the table keeps records for.</summary>
    Rejected,
}
