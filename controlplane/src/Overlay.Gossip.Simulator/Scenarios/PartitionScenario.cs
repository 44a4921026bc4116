using System.Diagnostics;

namespace Overlay.Gossip.Simulator.Scenarios;

public sealed record PartitionScenarioOptions
{
    public int Nodes { get; init; } = 64;
    public int Seed { get; init; } = 1;
    public GossipOptions Gossip { get; init; } = GossipOptions.Lan;
    public TimeSpan PartitionDuration { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan HealLimit { get; init; } = TimeSpan.FromMinutes(5);
}

public sealed record PartitionScenarioResult
{
    public int Nodes { get; init; }
    /// <summary>From the partition until each side saw exactly itself alive.</summary>
    public TimeSpan? Split { get; init; }
    /// <summary>From the heal until every member saw all N alive, none suspect, and the same user state.</summary>
    public TimeSpan? Healed { get; init; }
    /// <summary>From the heal until every member saw all N alive (membership only).</summary>
    public TimeSpan? MembershipHealed { get; init; }
    public IReadOnlyDictionary<string, long> ExpectedState { get; init; } = new Dictionary<string, long>();
    public TimeSpan WallTime { get; init; }
}

/// <summary>
/// A converged cluster (one seed, host 0, on side A) splits into two halves; each side writes user state the
/// other cannot see (including conflicting versions of one key); then the network heals. Both sides must end
/// with one membership view and one user state (the highest version of every key).
/// </summary>
public static class PartitionScenario
{
    public static PartitionScenarioResult Run(PartitionScenarioOptions o, TextWriter? log = null)
    {
        var wall = Stopwatch.StartNew();
        int n = o.Nodes, half = n / 2;
        var net = new SimulatedNetwork(o.Seed, LinkModel.Lan);
        for (int i = 0; i < n; i++)
        {
            net.AddHost(o.Gossip);
        }
        if (ClusterStats.JoinAll(net, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5)) is null)
        {
            throw new InvalidOperationException("the cluster did not converge before the partition");
        }
        Publish(net, net.Hosts[1], "shared", 1);
        net.RunFor(TimeSpan.FromSeconds(30));

        // Split: hosts [0, half) on side A (with the seed), [half, n) on side B.
        net.CountFalsePositives = false;
        TimeSpan splitAt = net.Now;
        net.Partition(h => h.Index < half ? 0 : 1);
        Publish(net, net.Hosts[1], "side-a", 1);
        Publish(net, net.Hosts[n - 1], "side-b", 1);
        Publish(net, net.Hosts[2], "shared", 2);
        Publish(net, net.Hosts[n - 2], "shared", 3);
        TimeSpan? split = net.RunUntil(
            () => net.Hosts.All(h => h.Node!.AliveMemberCount == (h.Index < half ? half : n - half)),
            splitAt + o.PartitionDuration, TimeSpan.FromMilliseconds(100)) - splitAt;
        net.RunUntil(splitAt + o.PartitionDuration);
        log?.WriteLine($"partition: both sides see only themselves after {(split is { } s ? $"{s.TotalSeconds:F1} s" : "never")}");

        TimeSpan healAt = net.Now;
        net.Heal();
        var expected = new Dictionary<string, long> { ["shared"] = 3, ["side-a"] = 1, ["side-b"] = 1 };
        TimeSpan? membership = null;
        TimeSpan? healed = net.RunUntil(() =>
        {
            bool views = net.Hosts.All(h => h.Node!.AliveMemberCount == n && h.Node.SuspectMemberCount == 0);
            if (views && membership is null)
            {
                membership = net.Now - healAt;
            }
            return views && net.Hosts.All(h => expected.All(e => h.Delegate!.VersionOf(e.Key) == e.Value));
        }, healAt + o.HealLimit, TimeSpan.FromMilliseconds(100)) - healAt;
        log?.WriteLine($"heal: one membership view after {(membership is { } m ? $"{m.TotalSeconds:F1} s" : "never")}, one view and one user state after {(healed is { } h ? $"{h.TotalSeconds:F1} s" : "never")}; wall {wall.Elapsed.TotalSeconds:F1} s");
        return new PartitionScenarioResult
        {
            Nodes = n,
            Split = split,
            Healed = healed,
            MembershipHealed = membership,
            ExpectedState = expected,
            WallTime = wall.Elapsed,
        };
    }

    private static void Publish(SimulatedNetwork net, SimHost host, string key, long version) =>
        net.Invoke(host, _ => host.Delegate!.Publish(key, version, new byte[48]));
}
