using Overlay.Gossip.FailureDetection;

namespace Overlay.Gossip.Tests.FailureDetection;

public sealed class AwarenessTests
{
    [Fact]
    public void Score_is_clamped_to_zero_and_max_minus_one()
    {
        var a = new Awareness(8);
        a.ApplyDelta(-1);
        Assert.Equal(0, a.Score);
        a.ApplyDelta(3);
        Assert.Equal(3, a.Score);
        a.ApplyDelta(100);
        Assert.Equal(7, a.Score);
        a.ApplyDelta(-2);
        Assert.Equal(5, a.Score);
    }

    [Fact]
    public void Timeouts_scale_by_score_plus_one()
    {
        var a = new Awareness(8);
        Assert.Equal(TimeSpan.FromSeconds(1), a.ScaleTimeout(TimeSpan.FromSeconds(1)));
        a.ApplyDelta(2);
        Assert.Equal(TimeSpan.FromSeconds(3), a.ScaleTimeout(TimeSpan.FromSeconds(1)));
        a.ApplyDelta(50);
        Assert.Equal(TimeSpan.FromSeconds(8), a.ScaleTimeout(TimeSpan.FromSeconds(1))); // AwarenessMaxMultiplier
    }

    [Fact]
    public void Max_multiplier_one_disables_it()
    {
        var a = new Awareness(1);
        a.ApplyDelta(5);
        Assert.Equal(0, a.Score);
    }
}
