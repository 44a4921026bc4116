using Overlay.ControlPlane.Wire;

namespace Overlay.ControlPlane.Endpoints;

// Merging remote records: last writer wins per key, with the owner as the authority on its own records.
public sealed partial class EndpointTable
{
    /// <summary>Merges a record heard from the network. The result says whether it was news and what, if
    /// anything, to broadcast because of it.</summary>
    public MergeResult Merge(EndpointRecord incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (RecordLimits.Check(incoming) != DecodeStatus.Ok)
        {
            Counters.RecordsRejected++;
            return MergeResult.Rejected;
        }
        if (incoming.Version > _clock)
        {
            _clock = incoming.Version; // Lamport: our next write is above everything seen
        }
        _records.TryGetValue(incoming.Key, out EndpointRecord? current);
        MergeResult result = IsSelf(incoming.Owner) ? MergeOwn(incoming, current) : MergeOther(incoming, current);
        _projection.Flush();
        switch (result.Outcome)
        {
            case MergeOutcome.Applied:
                Counters.RecordsApplied++;
                break;
            case MergeOutcome.Refuted:
                Counters.Refutations++;
                break;
            case MergeOutcome.Rejected:
                Counters.RecordsRejected++;
                break;
            default:
                Counters.RecordsUnchanged++;
                break;
        }
        return result;
    }

    private MergeResult MergeOther(EndpointRecord incoming, EndpointRecord? current)
    {
        if (current is not null && RecordOrder.CompareWrites(current, incoming) >= 0)
        {
            return MergeResult.Unchanged; // older or the same write: a stale or duplicate copy
        }
        if (!AcceptsOwner(incoming.Owner))
        {
            return MergeResult.Rejected;
        }
        if (current is { Deleted: false } && IsSelf(current.Owner))
        {
            Counters.LocalSuperseded++;
            LocalEndpointSuperseded?.Invoke(current, incoming);
        }
        if (incoming.Deleted && Now - incoming.DeletedAt >= _options.TombstoneRetention)
        {
            // A tombstone past its retention still settles the older record we hold, but is neither kept nor
            // passed on: everyone else has collected it already.
            if (current is null)
            {
                return MergeResult.Unchanged;
            }
            Remove(current);
            return new MergeResult(MergeOutcome.Applied, null);
        }
        Store(current, incoming);
        return new MergeResult(MergeOutcome.Applied, incoming);
    }

    /// <summary>A record that names us as owner. We are the only writer of our records in this life, so anything
    /// we hold is the truth: a copy older than it is answered with it, and a write we did not make (an earlier
    /// life of ours wrote it, possibly above our clock) is refuted by writing what we hold (or a tombstone, if we
    /// hold nothing live) at a version above it.</summary>
    private MergeResult MergeOwn(EndpointRecord incoming, EndpointRecord? current)
    {
        if (current is not null && current.SameWrite(incoming))
        {
            return MergeResult.Unchanged; // our own news coming back
        }
        if (current is not null && RecordOrder.CompareWrites(current, incoming) > 0)
        {
            // A stale copy still circulates. If the newer record is ours, send it again so the copy dies out.
            return new MergeResult(MergeOutcome.Unchanged, IsSelf(current.Owner) ? current : null);
        }
        EndpointRecord answer = current is { Deleted: false } && IsSelf(current.Owner)
            ? current.Rewrite(NodeName, BootId, NextVersion())
            : incoming.Tombstone(NodeName, BootId, NextVersion(), Now);
        Store(current, answer);
        return new MergeResult(MergeOutcome.Refuted, answer);
    }
}
