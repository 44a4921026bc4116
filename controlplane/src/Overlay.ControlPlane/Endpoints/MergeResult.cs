namespace Overlay.ControlPlane.Endpoints;

/// <summary>The outcome of a merge and the record to broadcast because of it, if any: the incoming record when it
/// was news, our answer when we refuted it, none otherwise.</summary>
public readonly record struct MergeResult(MergeOutcome Outcome, EndpointRecord? Broadcast)
{
    public static MergeResult Unchanged => new(MergeOutcome.Unchanged, null);

    public static MergeResult Rejected => new(MergeOutcome.Rejected, null);

    public bool Changed => Outcome is MergeOutcome.Applied or MergeOutcome.Refuted;
}
