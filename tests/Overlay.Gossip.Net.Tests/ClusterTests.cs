using Overlay.Gossip.Messages;
using Xunit.Abstractions;

namespace Overlay.Gossip.Net.Tests;

/// <summary>Three of our nodes on loopback, real UDP and TCP, the Local preset.</summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_nodes_join_and_see_each_other()
    {
        await using TestCluster cluster = await TestCluster.StartAsync(3);

        foreach (TestNode node in cluster.Nodes)
        {
            Assert.True(await node.SeesAliveAsync(cluster.Names), await cluster.DescribeAsync());
            Assert.Equal(3, (await node.MembersAsync()).Count);
            Assert.Empty(node.Errors);
            Assert.Equal(0, node.Runner.Errors);
            Assert.True(node.Transport.Counters.TotalDropped == 0, $"{node.Name}: transport drops {node.Transport.Counters}");
        }
        // node-1 and node-2 joined through node-0 by push/pull (whose answer may land after gossip told them).
        await Eventually.HoldsAsync(
            async () => await cluster[1].Runner.InvokeAsync(n => n.SuccessfulJoins) >= 1 && await cluster[2].Runner.InvokeAsync(n => n.SuccessfulJoins) >= 1,
            TimeSpan.FromSeconds(2),
            cluster.DescribeAsync);
    }

    [Fact]
    public async Task A_broadcast_reaches_every_node()
    {
        await using TestCluster cluster = await TestCluster.StartAsync(3);
        byte[] payload = "endpoint table v1"u8.ToArray();

        await cluster[0].BroadcastAsync(payload);

        TimeSpan took = await Eventually.HoldsAsync(
            () => cluster[1].Delegate.Received(payload) && cluster[2].Delegate.Received(payload),
            TimeSpan.FromSeconds(5),
            () => "broadcast not delivered");
        output.WriteLine($"broadcast delivered to both others in {took.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_killed_node_goes_dead_on_the_others_within_the_preset_bound()
    {
        await using TestCluster cluster = await TestCluster.StartAsync(3);
        GossipOptions o = cluster[0].Options;
        TimeSpan bound = FailureDetectionBound(o, members: 3);

        await cluster[2].KillAsync();

        TimeSpan took = await Eventually.HoldsAsync(
            async () => await cluster[0].StateOfAsync("node-2") == NodeStateKind.Dead
                && await cluster[1].StateOfAsync("node-2") == NodeStateKind.Dead,
            bound,
            async () => await cluster[0].DescribeAsync() + "\n" + await cluster[1].DescribeAsync());
        output.WriteLine($"node-2 dead on both survivors after {took.TotalSeconds:0.0} s (bound {bound.TotalSeconds:0.0} s)");
        Assert.True(await cluster[0].SeesAliveAsync("node-0", "node-1"));
        Assert.True(await cluster[1].SeesAliveAsync("node-0", "node-1"));
    }

    [Fact]
    public async Task A_graceful_leave_shows_as_left()
    {
        await using TestCluster cluster = await TestCluster.StartAsync(3);

        Task leave = cluster[2].LeaveAsync();
        await leave.WaitAsync(TimeSpan.FromSeconds(10));

        TimeSpan took = await Eventually.HoldsAsync(
            async () => await cluster[0].StateOfAsync("node-2") == NodeStateKind.Left
                && await cluster[1].StateOfAsync("node-2") == NodeStateKind.Left,
            TimeSpan.FromSeconds(3),
            async () => await cluster[0].DescribeAsync() + "\n" + await cluster[1].DescribeAsync());
        output.WriteLine($"node-2 left on both survivors {took.TotalMilliseconds:0} ms after its stop returned");
        Assert.Contains(cluster[0].Delegate.Leaves, m => m.Name == "node-2" && m.State == NodeStateKind.Left);
    }

    /// <summary>The worst case for the preset: the victim may be probed last in the round robin (N-1 intervals),
    /// its probe fails at the deadline (one interval), then suspicion runs its full Lifeguard maximum
    /// (SuspicionMaxTimeoutMult x the minimum timeout) before dead is declared and gossiped (one more interval).</summary>
    internal static TimeSpan FailureDetectionBound(GossipOptions o, int members)
    {
        TimeSpan min = GossipMath.SuspicionTimeout(o.SuspicionMult, members, o.ProbeInterval);
        return o.ProbeInterval * (members + 1) + min * o.SuspicionMaxTimeoutMult;
    }
}
