using Overlay.Gossip.Simulator.Scenarios;
using Xunit.Abstractions;

namespace Overlay.Gossip.Tests.Simulation;

public sealed class PartitionScenarioTests(ITestOutputHelper output)
{
    [Fact]
    public void Two_halves_heal_into_one_membership_view_and_one_user_state()
    {
        // 64 members split 32/32 for 2 minutes, the only seed on side A. Side B's members re-join the seed every
        // RejoinInterval (30 s) while it is not an alive member to them. After the heal, the first re-join (within
        // 30 s) merges the two views; members that the other side still remembers as dead at their current
        // incarnation learn it from that exchange and refute, which the other side hears at the next re-join
        // (another 30 s); each step then spreads within the dissemination bound (2 * 4.3 rounds * 0.2 s = 1.7 s)
        // and user state rides on the same exchanges. Bound: 3 * RejoinInterval = 90 s.
        var result = PartitionScenario.Run(new PartitionScenarioOptions { Nodes = 64, Seed = 3 }, new TestOutputWriter(output));
        TimeSpan bound = GossipOptions.Lan.RejoinInterval * 3;
        Assert.NotNull(result.Split);
        Assert.NotNull(result.Healed);
        Assert.True(result.Healed <= bound, $"healed after {result.Healed}, bound {bound}");
    }
}

/// <summary>Adapts ITestOutputHelper to a TextWriter, line by line.</summary>
internal sealed class TestOutputWriter(ITestOutputHelper output) : TextWriter
{
    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void WriteLine(string? value) => output.WriteLine(value ?? "");
}
