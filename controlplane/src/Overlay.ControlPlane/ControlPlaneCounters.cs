using Overlay.ControlPlane.Wire;

namespace Overlay.ControlPlane;

/// <summary>What the control plane did and refused, as plain counters bumped on its one thread (a metrics layer
/// may publish them as observable instruments).</summary>
public sealed class ControlPlaneCounters
{
    private readonly long[] _decodeFailures = new long[Enum.GetValues<DecodeStatus>().Length];

    /// <summary>Broadcasts and push/pull states that did not decode.</summary>
    public long DecodeFailures { get; private set; }

    /// <summary>Node metadata that did not carry a readable boot id.</summary>
    public long MetaDecodeFailures { get; internal set; }

    /// <summary>Remote records that were news.</summary>
    public long RecordsApplied { get; internal set; }

    /// <summary>Remote records that were old or duplicate news.</summary>
    public long RecordsUnchanged { get; internal set; }

    /// <summary>Remote records refused (invalid, or their owner gone too long).</summary>
    public long RecordsRejected { get; internal set; }

    /// <summary>Records about this node it did not write in this life, answered with a newer write.</summary>
    public long Refutations { get; internal set; }

    /// <summary>Our live records pushed again because a push/pull peer lacked them or held an older copy.</summary>
    public long OwnerRepairs { get; internal set; }

    /// <summary>Records of ours replaced by another node's newer write (the endpoint moved away).</summary>
    public long LocalSuperseded { get; internal set; }

    /// <summary>Broadcasts of our own writes.</summary>
    public long LocalBroadcasts { get; internal set; }

    /// <summary>Remote news passed on.</summary>
    public long Rebroadcasts { get; internal set; }

    public long TombstonesCollected { get; internal set; }

    /// <summary>Records dropped because their owner was dead or unknown for too long.</summary>
    public long OwnerRecordsCollected { get; internal set; }

    /// <summary>Calls made on the dataplane sink.</summary>
    public long DataplaneOps { get; internal set; }

    /// <summary>Sink calls that returned false (retried at the next reconcile).</summary>
    public long SinkFailures { get; internal set; }

    public long DecodeFailuresOf(DecodeStatus status) =>
        (uint)status < (uint)_decodeFailures.Length ? _decodeFailures[(int)status] : 0;

    internal void DecodeFailed(DecodeStatus status)
    {
        DecodeFailures++;
        if ((uint)status < (uint)_decodeFailures.Length)
        {
            _decodeFailures[(int)status]++;
        }
    }
}
