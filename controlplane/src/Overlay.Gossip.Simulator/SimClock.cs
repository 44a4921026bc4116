namespace Overlay.Gossip.Simulator;

/// <summary>The simulator's time: advanced only by the event loop, never by the wall clock.</summary>
public sealed class SimClock : TimeProvider
{
    /// <summary>Simulated time zero, as UTC.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Simulated time since <see cref="Epoch"/>, in ticks.</summary>
    public long NowTicks { get; internal set; }

    public TimeSpan Elapsed => TimeSpan.FromTicks(NowTicks);

    public override DateTimeOffset GetUtcNow() => new(Epoch.UtcTicks + NowTicks, TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => NowTicks;

    /// <summary>Converts a node's UTC-tick deadline to simulated ticks.</summary>
    public static long ToSimTicks(long utcTicks) => utcTicks == long.MaxValue ? long.MaxValue : utcTicks - Epoch.UtcTicks;
}
