namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>
/// Serf's convergence simulator model (hashicorp website, docs/internals/simulator): after x gossip rounds
/// infected(x) = N / (1 + (N+1) e^(-c N x)) with c = fanout / N * 0.5 * (1 - loss) * (1 - failed); one round is a
/// GossipInterval. Solved for x: x = ln((N+1) f / (1-f)) / (c N) to reach fraction f, rounded up to whole rounds
/// as Serf's simulator steps them (this reproduces the table in performance.md §5: 1.0 / 1.6 / 2.2 s at N = 1000).
/// </summary>
public static class SerfModel
{
    public static TimeSpan TimeToFraction(int n, int fanout, TimeSpan gossipInterval, double fraction, double loss = 0, double failed = 0)
    {
        double cn = fanout * 0.5 * (1 - loss) * (1 - failed);
        double rounds = Math.Ceiling(Math.Log((n + 1.0) * fraction / (1 - fraction)) / cn - 1e-9);
        return gossipInterval * Math.Max(0, rounds);
    }

    /// <summary>Serf's bandwidth upper bound per node: full packets to every fanout target each interval, both
    /// directions (1400 B * 3 / 0.2 s * 2 = 42 kB/s = 336 kbit/s with the LAN defaults).</summary>
    public static double MaxBytesPerNodePerSecond(int udpBufferSize, int fanout, TimeSpan gossipInterval) =>
        udpBufferSize * fanout / gossipInterval.TotalSeconds * 2;
}
