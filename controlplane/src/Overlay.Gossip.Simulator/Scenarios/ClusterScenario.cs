using System.Diagnostics;
using Overlay.ControlPlane;
using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Projection;
using Overlay.Packets;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>
/// N members join through one seed; once all see all and the join broadcasts have drained, one member publishes a
/// user broadcast (an endpoint add) and we time its spread; then one member is killed and we time until every
/// other member has it dead. Shared by the tests (1,000 nodes) and the console runner (10,000). Runs either the
/// stand-in delegate or, with <see cref="ClusterScenarioOptions.EndpointTables"/>, the real endpoint table.
/// </summary>
public static class ClusterScenario
{
    public static ClusterScenarioResult Run(ClusterScenarioOptions o, TextWriter? log = null)
    {
        var wall = Stopwatch.StartNew();
        var net = new SimulatedNetwork(o.Seed, o.Link);
        if (o.EndpointTables)
        {
            net.UseEndpointTables();
        }
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
        int metaBytes = seed.Application!.NodeMeta(o.Gossip.MetaMaxSize)?.Length ?? 0;
        TimeSpan joinBound = GossipBounds.JoinConvergence(n, cold + 1, o.Gossip, o.JoinWindow, net.Sizer, metaBytes);
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

        // 3. A user broadcast from one member: an endpoint add.
        SimHost origin = net.Hosts[n / 2];
        TrafficSnapshot atBroadcast = TrafficSnapshot.Take(net);
        TimeSpan broadcastAt = net.Now;
        ArrivalWatch spread = o.EndpointTables
            ? PublishEndpoint(net, origin, "web-1", 1, announce: o.WarmNodes > 0)
            : PublishStandIn(net, origin, o.BroadcastValueBytes);
        TimeSpan broadcastBound = o.EndpointTables ? GossipBounds.EndpointSpread(n, o.Gossip) : GossipBounds.Dissemination(n, o.Gossip);
        net.RunUntil(() => spread.Reached >= n, broadcastAt + broadcastBound * 3, TimeSpan.FromMilliseconds(10));
        TimeSpan? t50 = spread.TimeTo(0.50, n), t99 = spread.TimeTo(0.99, n), t100 = spread.TimeTo(1.0, n);
        TimeSpan window = t100 ?? net.Now - broadcastAt;
        TrafficRate during = (TrafficSnapshot.Take(net) - atBroadcast).PerNodePerSecond(n, net.Now - broadcastAt);
        log?.WriteLine($"[{net.Now.TotalSeconds,7:F1}s] broadcast: 50% {Ms(t50)}, 99% {Ms(t99)}, 100% {Ms(t100)} (bound {broadcastBound.TotalSeconds:F2} s); {during.Messages:F2} msg/s, {during.Bytes:F0} B/s per node ({during.UserMessages:F2} user msg/s)");
        int? installed = o.EndpointTables ? CountInstalled(net, origin, 1) : null;
        net.RunFor(TimeSpan.FromSeconds(5));

        // 4. Kill one member; time until every other member has it dead. On the real table the victim owns an
        //    endpoint, which every dataplane must withdraw when it learns of the death.
        SimHost victim = net.Hosts[n / 3];
        if (o.EndpointTables)
        {
            PublishEndpoint(net, victim, "db-1", 2, announce: o.WarmNodes > 0);
            net.RunFor(TimeSpan.FromSeconds(5));
        }
        ArrivalWatch death = net.WatchDeath(victim);
        TimeSpan killedAt = net.Now;
        net.Kill(victim);
        TimeSpan failureBound = GossipBounds.FailureDetection(n, o.Gossip);
        net.RunUntil(() => death.Reached >= n - 1, killedAt + failureBound * 2, TimeSpan.FromMilliseconds(100));
        TimeSpan? firstDead = death.TimeTo(1.0 / n, n - 1);
        TimeSpan? allDead = death.TimeTo(1.0, n - 1);
        log?.WriteLine($"[{net.Now.TotalSeconds,7:F1}s] failure: first dead {Ms(firstDead)}, all {n - 1} {Ms(allDead)} (bounds {GossipBounds.FailureDetectionLowerBound(n, o.Gossip).TotalSeconds:F1}..{failureBound.TotalSeconds:F1} s); false dead declarations {net.FalseDeadDeclarations}");
        int? victimEntries = o.EndpointTables ? CountPointingAt(net, victim) : null;
        if (o.EndpointTables)
        {
            log?.WriteLine($"[{net.Now.TotalSeconds,7:F1}s] endpoint table: web-1 installed on {installed} of {n - 1} other dataplanes; {victimEntries} dataplanes still point at the dead member");
        }

        return new ClusterScenarioResult
        {
            Application = o.EndpointTables ? "endpoint-table" : "stand-in",
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
            EndpointInstalled = installed,
            VictimEntriesLeft = victimEntries,
            SimulatedTime = net.Now,
            WallTime = wall.Elapsed,
            Events = net.EventsProcessed,
        };
    }

    private static ArrivalWatch PublishStandIn(SimulatedNetwork net, SimHost origin, int valueBytes)
    {
        const string key = "endpoint/vni-4096/02:42:ac:11:00:02";
        ArrivalWatch spread = net.WatchUserState(key, 1);
        net.Invoke(origin, _ => origin.Delegate!.Publish(key, 1, new byte[valueBytes]));
        return spread;
    }

    /// <summary>Publishes endpoint <paramref name="id"/> (MAC and IP numbered <paramref name="number"/>) on
    /// <paramref name="origin"/> through its endpoint table and watches its record arrive in every table. With
    /// <paramref name="announce"/> the members of a warm start are first told that the origin joined, as they
    /// would have been told long ago (their tables install only records of owners they have heard are alive).</summary>
    private static ArrivalWatch PublishEndpoint(SimulatedNetwork net, SimHost origin, string id, int number, bool announce)
    {
        if (announce)
        {
            net.NotifyJoined(origin);
        }
        EndpointRecord? record = null;
        net.Invoke(origin, _ => record = origin.Endpoints!.Publish(4096, id, EndpointMac(number), EndpointIp(number)));
        return net.WatchUserState(EndpointGossip.BroadcastKey(record!.Key), (long)record.Version);
    }

    /// <summary>Members other than <paramref name="origin"/> whose dataplane has endpoint <paramref name="number"/>
    /// pointing at the origin's VTEP.</summary>
    private static int CountInstalled(SimulatedNetwork net, SimHost origin, int number)
    {
        var key = new RemoteKey(4096, EndpointMac(number));
        IpAddr vtep = origin.Endpoints!.Vtep;
        return net.Hosts.Count(h => h != origin && h.Up && h.Endpoints!.Gossip.Applied.Remotes.TryGetValue(key, out IpAddr v) && v == vtep);
    }

    /// <summary>Live members whose dataplane still points some MAC at <paramref name="host"/>'s VTEP.</summary>
    private static int CountPointingAt(SimulatedNetwork net, SimHost host)
    {
        IpAddr vtep = host.Endpoints!.Vtep;
        return net.Hosts.Count(h => h != host && h.Up && h.Endpoints!.Gossip.Applied.Remotes.Values.Contains(vtep));
    }

    private static MacAddress EndpointMac(int number) => new(0x02_42_c6_13_00_00UL + (ulong)number);

    private static IpAddr EndpointIp(int number) => IpAddr.FromV4(0xC613_0000u + (uint)number);

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
