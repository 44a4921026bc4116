namespace Overlay.Gossip.FailureDetection;

/// <summary>
/// Lifeguard's local health awareness (memberlist awareness.go): a score in [0, max-1] that failed probes without
/// the expected nacks and refutations raise and successful probes lower. Timeouts are multiplied by score + 1, so
/// a node that is itself the problem probes more slowly and waits longer before it accuses anyone.
/// </summary>
internal sealed class Awareness
{
    private readonly int _max;

    public Awareness(int maxMultiplier)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMultiplier, 1);
        _max = maxMultiplier;
    }

    /// <summary>0 is healthy; max-1 is the worst.</summary>
    public int Score { get; private set; }

    public void ApplyDelta(int delta) => Score = Math.Clamp(Score + delta, 0, _max - 1);

    public TimeSpan ScaleTimeout(TimeSpan timeout) => timeout * (Score + 1);
}
