namespace Overlay.Gossip.FailureDetection;

/// <summary>
/// One member under suspicion (memberlist suspicion.go, Lifeguard's dynamic suspicion): the timeout starts at max
/// and is driven toward min as k independent members confirm the suspicion. Time is passed in, the owner arms a
/// timer at <see cref="Deadline"/> and re-arms it whenever <see cref="Confirm"/> returns true.
/// </summary>
internal sealed class Suspicion
{
    private readonly HashSet<string> _confirmations;

    /// <param name="from">The first accuser; it does not count as a confirmation (our own suspicion may come back).</param>
    /// <param name="k">Confirmations wanted to reach min; below 1 the timeout is min from the start.</param>
    public Suspicion(string from, int k, TimeSpan min, TimeSpan max, long startTicks, uint incarnation)
    {
        _confirmations = new HashSet<string>(StringComparer.Ordinal) { from };
        K = k;
        Min = min;
        Max = max;
        StartTicks = startTicks;
        Incarnation = incarnation;
        Deadline = startTicks + (k < 1 ? min : max).Ticks;
    }

    public int K { get; }

    /// <summary>Independent confirmations so far.</summary>
    public int N { get; private set; }

    public TimeSpan Min { get; }

    public TimeSpan Max { get; }

    public long StartTicks { get; }

    /// <summary>The incarnation the member was suspected at.</summary>
    public uint Incarnation { get; }

    /// <summary>When the member is declared dead, in ticks of the node's monotonic clock.</summary>
    public long Deadline { get; private set; }

    /// <summary>Counts a confirmation from <paramref name="from"/>. True when it was new (the deadline moved and the
    /// suspicion is worth re-gossiping); false for a repeat or once k confirmations are in.</summary>
    public bool Confirm(string from, long nowTicks)
    {
        if (N >= K || !_confirmations.Add(from))
        {
            return false;
        }
        N++;
        TimeSpan remaining = GossipMath.RemainingSuspicionTime(N, K, TimeSpan.FromTicks(nowTicks - StartTicks), Min, Max);
        Deadline = nowTicks + Math.Max(0, remaining.Ticks);
        return true;
    }
}
