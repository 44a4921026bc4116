using Overlay.Gossip;
using Overlay.Gossip.Simulator.Scenarios;
using Xunit.Abstractions;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>Runs the 1,000-node scenario once with the real control plane on every node (EndpointTable and
/// EndpointGossip over GossipNode in the simulated network) and records its figures in
/// perf/results/gossip-&lt;date&gt;.json, section endpoint_table_1000.</summary>
public sealed class EndpointSpreadFixture
{
    public EndpointSpreadFixture()
    {
        var log = new StringWriter();
        Result = ClusterScenario.Run(new ClusterScenarioOptions { Nodes = 1000, Seed = 1, Gossip = GossipOptions.Lan, EndpointTables = true }, log);
        Report = log + ScenarioReport.Format(Result);
        ResultsPath = PerfResults.Write("endpoint_table_1000", ScenarioReport.ToJson(Result));
    }

    public ClusterScenarioResult Result { get; }

    public string Report { get; }

    public string ResultsPath { get; }
}

public sealed class EndpointSpreadTests(EndpointSpreadFixture fixture, ITestOutputHelper output) : IClassFixture<EndpointSpreadFixture>
{
    private ClusterScenarioResult R => fixture.Result;

    [Fact]
    public void An_endpoint_published_on_one_node_reaches_all_thousand_tables_within_the_epidemic_bound()
    {
        // 1,000 members joined cold through one seed, LAN preset: fanout F = 3, GossipInterval 200 ms,
        // RetransmitMult 4, PushPullInterval 30 s. One member publishes an endpoint; every table that merges it as
        // news passes it on once, as its own broadcast.
        // - Epidemic: the informed set grows by up to F+1 per round, log4(1000) = 4.98 rounds, then the
        //   coupon-collector tail ln(1000)/F = 2.30 rounds; unsynchronised timers cost up to a round per hop:
        //   2 * 7.28 * 0.2 s = 2.91 s.
        // - Nobody is left out of it: each informed node sends the record R = 4 * ceil(log10(1001)) = 16 times
        //   (6 gossip rounds at 3 a round), 16,000 sends in all; a node misses all of them with probability
        //   (1 - 1/999)^16000 = e^-16 = 1.1e-7, some node with probability 1000 e^-16 = 1.1e-4.
        // - Such a node would get it from its next push/pull, within PushPullScale(30 s, 1000) = 180 s.
        // Bound (GossipBounds.EndpointSpread): 2.91 s, as gossip alone misses nobody with probability > 99%.
        // Against memberlist's published figures (Serf's convergence model, performance.md: 50% 1.0 s, 99% 1.6 s,
        // 99.99% 2.2 s at these settings) our 99% must come no later than its 99.99%, within Serf's bandwidth
        // ceiling of 1400 B * 3 / 0.2 s * 2 = 42 kB/s per node.
        output.WriteLine(fixture.Report);
        output.WriteLine($"results written to {fixture.ResultsPath}");
        Assert.Equal("endpoint-table", R.Application);
        Assert.NotNull(R.JoinConverged);
        Assert.InRange(R.BroadcastBound.TotalSeconds, 2.90, 2.92);
        Assert.NotNull(R.BroadcastT100);
        Assert.True(R.BroadcastT100 <= R.BroadcastBound, $"100% after {R.BroadcastT100}, bound {R.BroadcastBound}");
        Assert.True(R.BroadcastT50 <= R.SerfT50, $"50% after {R.BroadcastT50}, Serf model {R.SerfT50}");
        Assert.True(R.BroadcastT99 <= R.SerfT9999, $"99% after {R.BroadcastT99}, Serf model 99.99% {R.SerfT9999}");
        Assert.True(R.DuringBroadcast.Bytes <= R.SerfMaxBytesPerNodePerSecond, $"{R.DuringBroadcast.Bytes} B/s per node");
    }

    [Fact]
    public void Every_other_dataplane_installs_the_endpoint()
    {
        // Every member joined through gossip, so every table knows the publisher alive in the life that wrote the
        // record: all 999 others install it (MAC -> the publisher's VTEP).
        output.WriteLine(fixture.Report);
        Assert.Equal(R.Nodes - 1, R.EndpointInstalled);
    }

    [Fact]
    public void A_dead_owners_endpoint_is_withdrawn_from_every_dataplane()
    {
        // The killed member published an endpoint first. Each member withdraws it from its dataplane when it
        // declares the owner dead (or hears so): once all 999 have it dead, nobody points at it any more, and
        // failure detection stays within its bounds (see the stand-in scenario's test for the derivation).
        output.WriteLine(fixture.Report);
        Assert.NotNull(R.AllDead);
        Assert.True(R.AllDead <= R.FailureBound, $"all dead after {R.AllDead}, bound {R.FailureBound}");
        Assert.Equal(0, R.VictimEntriesLeft);
        Assert.Equal(0, R.FalseDeadDeclarations);
    }
}
