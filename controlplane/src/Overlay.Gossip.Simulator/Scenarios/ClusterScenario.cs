using System.Diagnostics;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Parameters of the join + broadcast + failure-detection scenario.</summary>
public sealed record ClusterScenarioOptions
{
    public int Nodes { get; init; } = 1000;
    public int Seed { get; init; } = 1;
    public GossipOptions Gossip { get; init; } = GossipOptions.Lan;
    public LinkModel Link { get; init; } = LinkModel.Lan;
    /// <summary>Members start evenly spread over this window, each joining through the one seed (host 0).</summary>
    public TimeSpan JoinWindow { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Members (hosts 0..WarmNodes-1, seed included) that start as an already converged cluster; the
    /// others join cold through the seed. 0: everyone joins cold. A cold join costs about N² R messages, so the
    /// 10,000-node benchmark joins its last members into a warm cluster.</summary>
    public int WarmNodes { get; init; }
    /// <summary>Bytes of the broadcast value (an endpoint entry: network, MAC, IP, VTEP and a little more).</summary>
    public int BroadcastValueBytes { get; init; } = 64;
    /// <summary>Idle time measured for the background (probe) traffic before the broadcast.</summary>
    public TimeSpan BaselineWindow { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Longest wait for the join broadcasts to drain before the broadcast is measured.</summary>
    public TimeSpan DrainLimit { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// N members join through one seed; once all see all and the join broadcasts have drained, one member publishes a
/// user broadcast (an endpoint add) and we time its spread; then one member is killed and we time until every
/// other member has it dead. Shared by the tests (1,000 nodes) and the console runner (10,000).
/// </summary>
public static class ClusterScenario
{
    public static ClusterScenarioResult Run(ClusterScenarioOptions o, TextWriter? log = null)
    {
        var wall = Stopwatch.StartNew();
        var net = new SimulatedNetwork(o.Seed, o.Link);
        int n = o.Nodes;
        for (int i = 0; i < n; i++)
        {
            net.AddHost(o.Gossip);
        }
        SimHost seed = net.Hosts[0];
        int warm = Math.Clamp(o.WarmNodes, 1, n);
        if (o.WarmNodes > 0)
        {
            net.StartWarm(net.Hosts.Take(warm).ToArray());
            log?.WriteLine($"[{net.Now.TotalSeconds,7:F1}s] {warm} members started warm; wall {wall.Elapsed.TotalSeconds:F0} s");
        }
        else
        {
            net.Start(seed, []);
        }
        int cold = n - warm;
        for (int i = warm; i < n; i++)
        {
            SimHost host = net.Hosts[i];
            net.At(o.JoinWindow * ((double)(i - warm + 1) / Math.Max(1, cold)), () => net.Start(host, [seed]));
        }

        // 1. Join: every member sees all N alive.
        TimeSpan joinBound = GossipBounds.JoinConvergence(n, cold + 1, o.Gossip, o.JoinWindow, net.Sizer);
        TimeSpan? joined = net.RunUntil(() => AllSeeAll(net, n), joinBound * 2, TimeSpan.FromMilliseconds(100));
        TrafficSnapshot joinTraffic = TrafficSnapshot.Take(net);
        log?.WriteLine($"[{net.Now.TotalSeconds,7:F1}s] join: {(joined is { } j ? $"all {n} see all at {j.TotalSeconds:F1} s" : "NOT converged")} (bound {joinBound.TotalSeconds:F1} s); {joinTraffic.Packets:N0} packets, {joinTraffic.Messages:N0} messages; wall {wall.Elapsed.TotalSeconds:F0} s");

        // 2. Let the join news drain (joiners re-broadcast every member their push/pull taught them, as memberlist
        //    does, which can take minutes: wait at most DrainLimit), then measure background traffic.
        TimeSpan? drained = net.RunUntil(() => net.Hosts.All(h => h.Node!.QueuedBroadcasts == 0), net.Now + o.DrainLimit, TimeSpan.FromSeconds(1));
        TrafficSnapshot before = TrafficSnapshot.Take(net);
        net.RunFor(o.BaselineWindow);
        TrafficRate baseline = (TrafficSnapshot.Take(net) - before).PerNodePerSecond(n, o.BaselineWindow);
        long queued = net.Hosts.Sum(h => (long)h.Node!.QueuedBroadcasts);
        log?.WriteLine($"[{net.Now.TotalSeconds,7:F1}s] queues {(drained is { } d ? $"drained at {d.TotalSeconds:F1} s" : "not drained")}, {queued:N0} broadcasts still queued; background traffic {baseline.Messages:F2} msg/s, {baseline.Bytes:F0} B/s per node");

        // 3. A user broadcast from one member.
        SimHost origin = net.Hosts[n / 2];
        ArrivalWatch spread = net.WatchUserState("endpoint/vni-4096/02:42:ac:11:00:02", 1);
        TrafficSnapshot atBroadcast = TrafficSnapshot.Take(net);
        TimeSpan broadcastAt = net.Now;
        net.Invoke(origin, _ => origin.Delegate!.Publish("endpoint/vni-4096/02:42:ac:11:00:02", 1, new byte[o.BroadcastValueBytes]));
        TimeSpan broadcastBound = GossipBounds.Dissemination(n, o.Gossip);
        net.RunUntil(() => spread.Reached >= n, broadcastAt + broadcastBound * 3, TimeSpan.FromMilliseconds(10));
        TimeSpan? t50 = spread.TimeTo(0.50, n), t99 = spread.TimeTo(0.99, n), t100 = spread.TimeTo(1.0, n);
        TimeSpan window = t100 ?? net.Now - broadcastAt;
        TrafficRate during = (TrafficSnapshot.Take(net) - atBroadcast).PerNodePerSecond(n, net.Now - broadcastAt);
        log?.WriteLine($"[{net.Now.TotalSeconds,7:F1}s] broadcast: 50% {Ms(t50)}, 99% {Ms(t99)}, 100% {Ms(t100)} (bound {broadcastBound.TotalSeconds:F2} s); {during.Messages:F2} msg/s, {during.Bytes:F0} B/s per node ({during.UserMessages:F2} user msg/s)");
        net.RunFor(TimeSpan.FromSeconds(5));

        // 4. Kill one member; time until every other member has it dead.
        SimHost victim = net.Hosts[n / 3];
        ArrivalWatch death = net.WatchDeath(victim);
        TimeSpan killedAt = net.Now;
        net.Kill(victim);
        TimeSpan failureBound = GossipBounds.FailureDetection(n, o.Gossip);
        net.RunUntil(() => death.Reached >= n - 1, killedAt + failureBound * 2, TimeSpan.FromMilliseconds(100));
        TimeSpan? firstDead = death.TimeTo(1.0 / n, n - 1);
        TimeSpan? allDead = death.TimeTo(1.0, n - 1);
        log?.WriteLine($"[{net.Now.TotalSeconds,7:F1}s] failure: first dead {Ms(firstDead)}, all {n - 1} {Ms(allDead)} (bounds {GossipBounds.FailureDetectionLowerBound(n, o.Gossip).TotalSeconds:F1}..{failureBound.TotalSeconds:F1} s); false dead declarations {net.FalseDeadDeclarations}");

        return new ClusterScenarioResult
        {
            Nodes = n,
            Seed = o.Seed,
            JoinWindow = o.JoinWindow,
            WarmNodes = o.WarmNodes,
            JoinConverged = joined,
            JoinBound = joinBound,
            QueuesDrained = drained,
            QueuedAtBroadcast = queued,
            Baseline = baseline,
            BroadcastT50 = t50,
            BroadcastT99 = t99,
            BroadcastT100 = t100,
            BroadcastBound = broadcastBound,
            BroadcastWindow = window,
            DuringBroadcast = during,
            SerfT50 = SerfModel.TimeToFraction(n, o.Gossip.GossipNodes, o.Gossip.GossipInterval, 0.50),
            SerfT99 = SerfModel.TimeToFraction(n, o.Gossip.GossipNodes, o.Gossip.GossipInterval, 0.99),
            SerfT9999 = SerfModel.TimeToFraction(n, o.Gossip.GossipNodes, o.Gossip.GossipInterval, 0.9999),
            SerfMaxBytesPerNodePerSecond = SerfModel.MaxBytesPerNodePerSecond(o.Gossip.UdpBufferSize, o.Gossip.GossipNodes, o.Gossip.GossipInterval),
            FirstDead = firstDead,
            AllDead = allDead,
            FailureBound = failureBound,
            FailureLowerBound = GossipBounds.FailureDetectionLowerBound(n, o.Gossip),
            FalseDeadDeclarations = net.FalseDeadDeclarations,
            SimulatedTime = net.Now,
            WallTime = wall.Elapsed,
            Events = net.EventsProcessed,
        };
    }

    private static bool AllSeeAll(SimulatedNetwork net, int n)
    {
        foreach (SimHost host in net.Hosts)
        {
            if (!host.Up || host.Node!.AliveMemberCount != n)
            {
                return false;
            }
        }
        return true;
    }

    private static string Ms(TimeSpan? t) => t is { } v ? $"{v.TotalMilliseconds:F0} ms" : "never";
}
