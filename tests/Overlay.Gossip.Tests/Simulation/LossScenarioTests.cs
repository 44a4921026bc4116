using System.Text.Json.Nodes;
using Overlay.Gossip.Simulator.Scenarios;
using Xunit.Abstractions;

namespace Overlay.Gossip.Tests.Simulation;

public sealed class LossScenarioTests(ITestOutputHelper output)
{
    [Fact]
    public void Under_10_percent_loss_Lifeguard_is_not_worse_than_plain_SWIM()
    {
        // 128 members, 10% loss on every link for 10 simulated minutes (76,800 probes). A probe fails only if the
        // direct round trip (1 - 0.9^2 = 19%), all three indirect paths (1 - 0.9^4 = 34% each: 0.34^3 = 4%) and the
        // stream fallback within the remaining ~0.5 s (SYN or SYN-ACK lost: 19%) fail: 0.19 * 0.04 * 0.19 = 1.5e-3
        // per probe, about 115 failed probes (measured: 100-140). A false death additionally needs the refutation
        // to miss the whole suspicion timeout: 8.4 s without Lifeguard (min = 4 * log10(128)), up to 50 s with it,
        // so only a handful are expected either way. Lifeguard must not be worse.
        var on = LossScenario.Run(new LossScenarioOptions { Nodes = 128, Seed = 7, Gossip = GossipOptions.Lan });
        var off = LossScenario.Run(new LossScenarioOptions { Nodes = 128, Seed = 7, Gossip = GossipOptions.Lan with { Lifeguard = false } });
        output.WriteLine(LossScenario.Format(on));
        output.WriteLine(LossScenario.Format(off));
        PerfResults.Write("loss_10pct_128_nodes_10min", new JsonObject
        {
            ["lifeguard_on"] = ToJson(on),
            ["lifeguard_off"] = ToJson(off),
        });
        Assert.True(on.FalseDeadDeclarations <= off.FalseDeadDeclarations,
            $"Lifeguard on: {on.FalseDeadDeclarations} false deaths, off: {off.FalseDeadDeclarations}");
    }

    [Fact]
    public void With_degraded_members_Lifeguard_prevents_false_deaths()
    {
        // Lifeguard's own case: a few members that are themselves the problem. 128 members, 2% loss everywhere,
        // 8 of them losing a further 40% of their packets, 10 simulated minutes. A degraded member's probes fail
        // often; without Lifeguard it accuses healthy members (and they it) with an 8.4 s timeout. With it, the
        // missing nacks raise its health score (longer probe interval and deadline), the suspicion timeout starts
        // at 6 x 8.4 s, and confirmations are needed to shorten it. Lifeguard must give fewer false deaths.
        var on = LossScenario.Run(new LossScenarioOptions { Nodes = 128, Seed = 11, Loss = 0.02, DegradedNodes = 8, DegradedLoss = 0.4, Gossip = GossipOptions.Lan });
        var off = LossScenario.Run(new LossScenarioOptions { Nodes = 128, Seed = 11, Loss = 0.02, DegradedNodes = 8, DegradedLoss = 0.4, Gossip = GossipOptions.Lan with { Lifeguard = false } });
        output.WriteLine(LossScenario.Format(on));
        output.WriteLine(LossScenario.Format(off));
        PerfResults.Write("degraded_8_of_128_nodes_10min", new JsonObject
        {
            ["lifeguard_on"] = ToJson(on),
            ["lifeguard_off"] = ToJson(off),
        });
        Assert.True(on.FalseDeadDeclarations <= off.FalseDeadDeclarations,
            $"Lifeguard on: {on.FalseDeadDeclarations} false deaths, off: {off.FalseDeadDeclarations}");
    }

    private static JsonObject ToJson(LossScenarioResult r) => new()
    {
        ["nodes"] = r.Nodes,
        ["loss"] = r.Loss,
        ["degraded_nodes"] = r.DegradedNodes,
        ["minutes"] = r.Duration.TotalMinutes,
        ["false_dead_declarations"] = r.FalseDeadDeclarations,
        ["falsely_dead_members"] = r.FalselyDeadHosts,
        ["false_dead_observations"] = r.FalseDeadObservations,
        ["probes"] = r.Stats.Probes,
        ["probe_failures"] = r.Stats.ProbeFailures,
        ["suspicions_raised"] = r.Stats.SuspicionsRaised,
        ["refutations"] = r.Stats.Refutations,
        ["msgs_per_node_s"] = Math.Round(r.Traffic.Messages, 3),
        ["bytes_per_node_s"] = Math.Round(r.Traffic.Bytes, 1),
    };
}
