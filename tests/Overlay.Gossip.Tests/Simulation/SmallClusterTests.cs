using Overlay.Gossip.Messages;
using Overlay.Gossip.Simulator;
using Overlay.Gossip.Simulator.Scenarios;

namespace Overlay.Gossip.Tests.Simulation;

/// <summary>Leave, restart and determinism on a 50-member simulated LAN.</summary>
public sealed class SmallClusterTests
{
    private const int N = 50;

    private static SimulatedNetwork Converged(int seed)
    {
        var net = new SimulatedNetwork(seed);
        for (int i = 0; i < N; i++)
        {
            net.AddHost(GossipOptions.Lan);
        }
        Assert.NotNull(ClusterStats.JoinAll(net, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(2)));
        net.RunFor(TimeSpan.FromSeconds(20));
        return net;
    }

    [Fact]
    public void A_graceful_leave_is_seen_as_left_by_everyone_within_one_dissemination()
    {
        // N = 50: the leave message spreads like any broadcast: 2 * (log4(50) + ln(50)/3) * 0.2 s = 2.2 s.
        SimulatedNetwork net = Converged(5);
        SimHost leaver = net.Hosts[17];
        ArrivalWatch seen = net.WatchDeath(leaver);
        net.Invoke(leaver, node => node.Leave());
        TimeSpan bound = GossipBounds.Dissemination(N, GossipOptions.Lan);
        net.RunUntil(() => leaver.Node!.LeaveDisseminated, net.Now + bound, TimeSpan.FromMilliseconds(50));
        net.Kill(leaver); // the owner shuts down once the leave is out
        net.RunUntil(() => seen.Reached >= N, net.Now + bound, TimeSpan.FromMilliseconds(50));

        Assert.Equal(N, seen.Reached); // the leaver's own view included
        Assert.True(seen.TimeTo(1, N) <= bound, $"took {seen.TimeTo(1, N)}, bound {bound}");
        Assert.All(net.Hosts.Where(h => h.Up), h =>
        {
            Assert.True(h.Node!.TryGetMember(leaver.Name, out var m));
            Assert.Equal(NodeStateKind.Left, m.State);
            Assert.Equal(0, h.Node.Metrics.MembersDead);
        });
    }

    [Fact]
    public void A_restarted_member_outbids_its_own_death_and_is_alive_everywhere_again()
    {
        // Kill, wait until all have it dead, restart with the same name and address: its alive message has
        // incarnation 1, which everyone ignores, but the join push/pull tells it that it is dead, so it refutes with
        // a higher incarnation; that spreads within one dissemination (2.2 s) plus the join exchange.
        SimulatedNetwork net = Converged(6);
        SimHost victim = net.Hosts[9];
        ArrivalWatch dead = net.WatchDeath(victim);
        net.Kill(victim);
        net.RunUntil(() => dead.Reached >= N - 1, net.Now + GossipBounds.FailureDetection(N, GossipOptions.Lan), TimeSpan.FromMilliseconds(100));
        Assert.Equal(N - 1, dead.Reached);

        net.Start(victim, [net.Hosts[0]]);
        TimeSpan bound = GossipBounds.Dissemination(N, GossipOptions.Lan) + TimeSpan.FromSeconds(1);
        TimeSpan start = net.Now;
        TimeSpan? back = net.RunUntil(() => net.Hosts.All(h => h.Node!.AliveMemberCount == N), start + bound, TimeSpan.FromMilliseconds(50));
        Assert.NotNull(back);
        Assert.True(victim.Node!.Incarnation > 1);
        Assert.True(victim.Node.Metrics.Refutations >= 1);
    }

    [Fact]
    public void The_same_seed_replays_the_same_run()
    {
        static (long, long, long) Run(int seed)
        {
            SimulatedNetwork net = Converged(seed);
            net.Kill(net.Hosts[3]);
            net.RunFor(TimeSpan.FromSeconds(30));
            TrafficSnapshot t = TrafficSnapshot.Take(net);
            return (net.EventsProcessed, t.Messages, t.Bytes);
        }

        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Run(42), Run(43));
    }
}
