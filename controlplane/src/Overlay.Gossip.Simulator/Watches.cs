namespace Overlay.Gossip.Simulator;

/// <summary>When each host first learned something (a user state version, a member's death), in simulated ticks
/// since the watch started; -1 until then.</summary>
public sealed class ArrivalWatch
{
    internal ArrivalWatch(int hosts, long startTicks)
    {
        Arrivals = new long[hosts];
        Array.Fill(Arrivals, -1L);
        StartTicks = startTicks;
    }

    public long StartTicks { get; }

    public long[] Arrivals { get; }

    public int Reached { get; private set; }

    internal void Mark(int host, long nowTicks)
    {
        if (host < Arrivals.Length && Arrivals[host] < 0)
        {
            Arrivals[host] = nowTicks - StartTicks;
            Reached++;
        }
    }

    /// <summary>Time until <paramref name="fraction"/> of <paramref name="population"/> hosts had it (the k-th
    /// earliest arrival, k = ceil(fraction * population)); null if fewer got it.</summary>
    public TimeSpan? TimeTo(double fraction, int population)
    {
        int k = Math.Max(1, (int)Math.Ceiling(fraction * population - 1e-9));
        long[] sorted = Arrivals.Where(a => a >= 0).Order().ToArray();
        return sorted.Length >= k ? TimeSpan.FromTicks(sorted[k - 1]) : null;
    }
}
