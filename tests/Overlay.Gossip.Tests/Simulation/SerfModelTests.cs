using Overlay.Gossip.Simulator.Scenarios;

namespace Overlay.Gossip.Tests.Simulation;

public sealed class SerfModelTests
{
    [Theory]
    // performance.md §5, computed from Serf's model with fanout 3 and 200 ms rounds.
    [InlineData(30, 0.6, 1.2, 1.8)]
    [InlineData(100, 0.8, 1.4, 2.0)]
    [InlineData(1000, 1.0, 1.6, 2.2)]
    [InlineData(10000, 1.4, 2.0, 2.6)]
    public void Reproduces_the_reference_table(int n, double t50, double t99, double t9999)
    {
        TimeSpan interval = TimeSpan.FromMilliseconds(200);
        Assert.Equal(t50, SerfModel.TimeToFraction(n, 3, interval, 0.50).TotalSeconds, 3);
        Assert.Equal(t99, SerfModel.TimeToFraction(n, 3, interval, 0.99).TotalSeconds, 3);
        Assert.Equal(t9999, SerfModel.TimeToFraction(n, 3, interval, 0.9999).TotalSeconds, 3);
    }

    [Fact]
    public void Bandwidth_ceiling_is_336_kbit_per_node()
    {
        Assert.Equal(42_000, SerfModel.MaxBytesPerNodePerSecond(1400, 3, TimeSpan.FromMilliseconds(200)));
    }
}
