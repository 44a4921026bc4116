namespace Overlay.Gossip.Tests;

public sealed class GossipMathTests
{
    [Theory]
    // mult * ceil(log10(n + 1)): performance.md §5 quotes 8 @ 10 and 12 @ 100.
    [InlineData(4, 1, 4)]
    [InlineData(4, 9, 4)]
    [InlineData(4, 10, 8)]
    [InlineData(4, 100, 12)]
    [InlineData(4, 1000, 16)]
    [InlineData(4, 10000, 20)]
    [InlineData(2, 1000, 8)]
    public void RetransmitLimit_is_mult_times_ceil_log10_n_plus_1(int mult, int n, int expected) =>
        Assert.Equal(expected, GossipMath.RetransmitLimit(mult, n));

    [Theory]
    // mult * max(1, log10(n)) * interval: 4 s @ 10, 8 s @ 100, 12 s @ 1000, 16 s @ 10k (performance.md §5).
    [InlineData(4, 1, 4000)]
    [InlineData(4, 3, 4000)]
    [InlineData(4, 10, 4000)]
    [InlineData(4, 100, 8000)]
    [InlineData(4, 1000, 12000)]
    [InlineData(4, 10000, 16000)]
    [InlineData(4, 50, 6792)] // log10(50) = 1.69897 -> 1.698 (truncated to ms precision) * 4 s
    [InlineData(6, 100, 12000)]
    public void SuspicionTimeout_matches_memberlist(int mult, int n, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), GossipMath.SuspicionTimeout(mult, n, TimeSpan.FromSeconds(1)));

    [Theory]
    // min 2 s, max 30 s, k = 3: total = 30 - log(n+1)/log(4) * 28 s, floored to ms, at least min; minus elapsed.
    [InlineData(0, 0, 30000)]
    [InlineData(1, 2000, 14000)]  // 30 - 0.5 * 28 = 16 s total
    [InlineData(2, 3000, 4810)]   // 30 - 0.79248 * 28 = 7.810524 -> 7810 ms total
    [InlineData(3, 4000, -2000)]  // k reached: min
    [InlineData(4, 5000, -3000)]  // beyond k: still min
    public void RemainingSuspicionTime_shrinks_with_confirmations(int n, int elapsedMs, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), GossipMath.RemainingSuspicionTime(
            n, 3, TimeSpan.FromMilliseconds(elapsedMs), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)));

    [Theory]
    // Unchanged up to 32 members, then * (ceil(log2(n) - 5) + 1).
    [InlineData(1, 30)]
    [InlineData(32, 30)]
    [InlineData(33, 60)]
    [InlineData(64, 60)]
    [InlineData(65, 90)]
    [InlineData(1000, 180)]
    [InlineData(10000, 300)]
    public void PushPullScale_grows_with_log2_above_32(int n, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), GossipMath.PushPullScale(TimeSpan.FromSeconds(30), n));
}
