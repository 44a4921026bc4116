namespace Overlay.Gossip.Simulator;

/// <summary>The simulator's time: advanced only by the event loop, never by the wall clock. It drives both of a
/// <see cref="TimeProvider"/>'s clocks: the monotonic timestamp (in ticks since the start of the run, what gossip
/// timers run on) and the wall clock (<see cref="Epoch"/> plus the same ticks, what the endpoint table dates
/// tombstones by).</summary>
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
}
