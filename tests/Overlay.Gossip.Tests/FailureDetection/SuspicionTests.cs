using Overlay.Gossip.FailureDetection;

namespace Overlay.Gossip.Tests.FailureDetection;

public sealed class SuspicionTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Fact]
    public void Starts_at_max_and_reaches_min_after_k_confirmations()
    {
        var s = new Suspicion("a", 3, Min, Max, startTicks: 0, incarnation: 1);
        Assert.Equal(Max.Ticks, s.Deadline);

        Assert.True(s.Confirm("b", TimeSpan.FromSeconds(2).Ticks));
        Assert.Equal(TimeSpan.FromSeconds(16).Ticks, s.Deadline); // 30 - log2/log4 * 28
        Assert.True(s.Confirm("c", TimeSpan.FromSeconds(3).Ticks));
        Assert.Equal(TimeSpan.FromMilliseconds(7810).Ticks, s.Deadline);
        Assert.True(s.Confirm("d", TimeSpan.FromSeconds(4).Ticks));
        Assert.Equal(TimeSpan.FromSeconds(4).Ticks, s.Deadline); // min (2 s) already passed: fire now
        Assert.False(s.Confirm("e", TimeSpan.FromSeconds(5).Ticks)); // k reached: no more news
        Assert.Equal(3, s.N);
    }

    [Fact]
    public void The_accuser_and_repeats_are_not_confirmations()
    {
        var s = new Suspicion("a", 3, Min, Max, 0, 1);
        Assert.False(s.Confirm("a", 10));
        Assert.True(s.Confirm("b", 10));
        Assert.False(s.Confirm("b", 20));
        Assert.Equal(1, s.N);
    }

    [Fact]
    public void Without_wanted_confirmations_the_timeout_is_min()
    {
        var s = new Suspicion("a", 0, Min, Max, 100, 1);
        Assert.Equal(100 + Min.Ticks, s.Deadline);
        Assert.False(s.Confirm("b", 200));
    }
}
