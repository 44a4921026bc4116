namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Cluster-wide sums of failure-detection counters at one instant.</summary>
public readonly record struct ClusterStats(long Probes, long ProbeFailures, long SuspicionsRaised, long MembersSuspected, long DeadDeclared, long Refutations, int MaxHealthScore)
{
    public static ClusterStats Take(SimulatedNetwork network)
    {
        long probes = 0, failures = 0, raised = 0, suspected = 0, dead = 0, refutations = 0;
        int health = 0;
        foreach (SimHost host in network.Hosts)
        {
            if (host.Node is not { } node)
            {
                continue;
            }
            GossipMetrics m = node.Metrics;
            probes += m.Probes;
            failures += m.ProbeFailures;
            raised += m.SuspicionsRaised;
            suspected += m.MembersSuspected;
            dead += m.DeadDeclared;
            refutations += m.Refutations;
            health = Math.Max(health, node.HealthScore);
        }
        return new ClusterStats(probes, failures, raised, suspected, dead, refutations, health);
    }

    public static ClusterStats operator -(ClusterStats a, ClusterStats b) => new(
        a.Probes - b.Probes, a.ProbeFailures - b.ProbeFailures, a.SuspicionsRaised - b.SuspicionsRaised,
        a.MembersSuspected - b.MembersSuspected, a.DeadDeclared - b.DeadDeclared, a.Refutations - b.Refutations, a.MaxHealthScore);

    /// <summary>Starts the hosts cold through host 0 over <paramref name="window"/> and runs until all see all.</summary>
    public static TimeSpan? JoinAll(SimulatedNetwork net, TimeSpan window, TimeSpan limit)
    {
        SimHost seed = net.Hosts[0];
        net.Start(seed, []);
        int n = net.Hosts.Count;
        for (int i = 1; i < n; i++)
        {
            SimHost host = net.Hosts[i];
            net.At(net.Now + window * ((double)i / Math.Max(1, n - 1)), () => net.Start(host, [seed]));
        }
        return net.RunUntil(() => net.Hosts.All(h => h.Up && h.Node!.AliveMemberCount == n), net.Now + limit, TimeSpan.FromMilliseconds(100));
    }
}
