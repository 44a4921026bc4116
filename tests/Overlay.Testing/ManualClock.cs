namespace Overlay.Testing;

/// <summary>
/// A clock a test moves by hand, with the two clocks a real machine has: a monotonic one
/// (<see cref="GetTimestamp"/>, in ticks) that only goes forward, and a wall clock (<see cref="GetUtcNow"/>) that
/// moves with it but can also be stepped on its own, as NTP or an operator steps it.
/// </summary>
public sealed class ManualClock(DateTimeOffset wall) : TimeProvider
{
    private long _timestamp;
    private DateTimeOffset _wall = wall;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _timestamp;

    public override DateTimeOffset GetUtcNow() => _wall;

    /// <summary>Time passes: both clocks move forward by <paramref name="duration"/>.</summary>
    public void Advance(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        _timestamp += duration.Ticks;
        _wall += duration;
    }

    /// <summary>Time passes until the monotonic clock reads <paramref name="timestamp"/> (no-op if it already
    /// does).</summary>
    public void AdvanceTo(long timestamp)
    {
        if (timestamp > _timestamp)
        {
            Advance(TimeSpan.FromTicks(timestamp - _timestamp));
        }
    }

    /// <summary>The wall clock is set by <paramref name="step"/> (either way); no time passes.</summary>
    public void StepWall(TimeSpan step) => _wall += step;
}
