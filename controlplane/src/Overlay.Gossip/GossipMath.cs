namespace Overlay.Gossip;

/// <summary>The protocol's scaling formulas (memberlist util.go and suspicion.go), in one place so tests can pin
/// them to hand-computed values.</summary>
internal static class GossipMath
{
    /// <summary>Members above which the push/pull interval grows with log2(N).</summary>
    public const int PushPullScaleThreshold = 32;

    /// <summary>How many times a broadcast is sent: mult * ceil(log10(n + 1)).</summary>
    public static int RetransmitLimit(int retransmitMult, int n)
    {
        int nodeScale = (int)Math.Ceiling(Math.Log10(n + 1.0));
        return retransmitMult * nodeScale;
    }

    /// <summary>The minimum suspicion timeout: mult * max(1, log10(max(1, n))) * interval, the scale truncated to
    /// milliseconds of precision as memberlist does.</summary>
    public static TimeSpan SuspicionTimeout(int suspicionMult, int n, TimeSpan interval)
    {
        double nodeScale = Math.Max(1.0, Math.Log10(Math.Max(1.0, n)));
        long scaleMillis = (long)(nodeScale * 1000);
        return TimeSpan.FromTicks(suspicionMult * scaleMillis * interval.Ticks / 1000);
    }

    /// <summary>Lifeguard's dynamic suspicion: with n of k wanted confirmations the total timeout is
    /// max - log(n+1)/log(k+1) * (max - min), floored to the millisecond and never below min; returns what is left
    /// of it after <paramref name="elapsed"/> (may be negative: fire now).</summary>
    public static TimeSpan RemainingSuspicionTime(int n, int k, TimeSpan elapsed, TimeSpan min, TimeSpan max)
    {
        double frac = Math.Log(n + 1.0) / Math.Log(k + 1.0);
        double raw = max.TotalSeconds - frac * (max.TotalSeconds - min.TotalSeconds);
        TimeSpan timeout = TimeSpan.FromMilliseconds(Math.Floor(1000.0 * raw));
        if (timeout < min)
        {
            timeout = min;
        }
        return timeout - elapsed;
    }

    /// <summary>The push/pull interval for n members: unchanged up to 32, then times ceil(log2(n) - log2(32)) + 1.</summary>
    public static TimeSpan PushPullScale(TimeSpan interval, int n)
    {
        if (n <= PushPullScaleThreshold)
        {
            return interval;
        }
        int multiplier = (int)Math.Ceiling(Math.Log2(n) - Math.Log2(PushPullScaleThreshold)) + 1;
        return interval * multiplier;
    }
}
