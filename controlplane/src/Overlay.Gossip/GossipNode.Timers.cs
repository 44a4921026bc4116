namespace Overlay.Gossip;

// Timers: one priority queue of deadlines owned by the node's thread. Cancellation is lazy: a handler checks that
// what it was armed for (probe sequence number, suspicion, relay, exchange) is still current.
public sealed partial class GossipNode
{
    private readonly PriorityQueue<NodeTimer, long> _timers = new();
    private long _pushPullGeneration;

    private enum TimerKind : byte
    {
        ProbeTick,
        ProbeAckTimeout,
        ProbeDeadline,
        GossipTick,
        PushPullTick,
        RejoinTick,
        SuspicionDeadline,
        RelayTimeout,
        ExchangeTimeout,
        NewPeerExchange,
    }

    /// <summary>When <see cref="Tick"/> next has work, as a timestamp of the injected <see cref="TimeProvider"/>
    /// (<see cref="TimeProvider.GetTimestamp"/> units, a monotonic clock); <see cref="long.MaxValue"/> when nothing
    /// is scheduled. An owner waits until <c>GetTimestamp()</c> reaches it (for example a timer armed with
    /// <c>GetElapsedTime(now, NextDueTimestamp)</c>), then calls <see cref="Tick"/>.</summary>
    public long NextDueTimestamp => _timers.TryPeek(out _, out long due) ? ToTimestamp(due) : long.MaxValue;

    /// <summary>Runs every timer that is due at the TimeProvider's current (monotonic) time.</summary>
    public void Tick()
    {
        if (_stopped)
        {
            return;
        }
        long now = Now;
        while (!_stopped && _timers.TryPeek(out NodeTimer timer, out long due) && due <= now)
        {
            _timers.Dequeue();
            Fire(timer, now);
        }
    }

    private void StartTimers(long now)
    {
        // A random stagger in [0, interval) keeps nodes started together from ticking together (memberlist).
        Arm(TimerKind.ProbeTick, now + Stagger(_options.ProbeInterval));
        Arm(TimerKind.GossipTick, now + Stagger(_options.GossipInterval));
        if (_options.PushPullInterval > TimeSpan.Zero)
        {
            Arm(TimerKind.PushPullTick, now + Stagger(_options.PushPullInterval), _pushPullGeneration);
        }
        if (_options.RejoinInterval > TimeSpan.Zero)
        {
            Arm(TimerKind.RejoinTick, now + _options.RejoinInterval.Ticks + Stagger(_options.RejoinInterval));
        }
    }

    /// <summary>The provider's timestamp at which the node's clock reads <paramref name="ticks"/>. Exact when the
    /// provider counts in ticks (the simulator, fake clocks); otherwise rounded up, plus one unit against the
    /// floating-point conversion back, so that an owner woken at it always finds the timer due.</summary>
    private long ToTimestamp(long ticks)
    {
        long frequency = _time.TimestampFrequency;
        if (frequency == TimeSpan.TicksPerSecond)
        {
            return _originTimestamp + ticks;
        }
        double scaled = Math.Ceiling(ticks * ((double)frequency / TimeSpan.TicksPerSecond)) + 1;
        return scaled >= long.MaxValue - _originTimestamp ? long.MaxValue : _originTimestamp + (long)scaled;
    }

    private long Stagger(TimeSpan interval) => (long)(_random.NextDouble() * interval.Ticks);

    private void Arm(TimerKind kind, long due, long arg = 0, object? target = null) =>
        _timers.Enqueue(new NodeTimer(kind, arg, target), due);

    private void Fire(in NodeTimer timer, long now)
    {
        switch (timer.Kind)
        {
            case TimerKind.ProbeTick:
                Arm(TimerKind.ProbeTick, now + _awareness.ScaleTimeout(_options.ProbeInterval).Ticks);
                StartProbe(now);
                break;
            case TimerKind.ProbeAckTimeout:
                OnProbeAckTimeout((uint)timer.Arg, now);
                break;
            case TimerKind.ProbeDeadline:
                OnProbeDeadline((uint)timer.Arg, now);
                break;
            case TimerKind.GossipTick:
                Arm(TimerKind.GossipTick, now + _options.GossipInterval.Ticks);
                Gossip(now);
                break;
            case TimerKind.PushPullTick:
                if (timer.Arg == _pushPullGeneration)
                {
                    Arm(TimerKind.PushPullTick, now + GossipMath.PushPullScale(_options.PushPullInterval, _members.Count).Ticks, _pushPullGeneration);
                    PushPullWithRandomMember(now);
                }
                break;
            case TimerKind.RejoinTick:
                Arm(TimerKind.RejoinTick, now + _options.RejoinInterval.Ticks);
                RejoinSeeds(now);
                break;
            case TimerKind.SuspicionDeadline:
                OnSuspicionDeadline((string)timer.Target!, now);
                break;
            case TimerKind.RelayTimeout:
                OnRelayTimeout((uint)timer.Arg);
                break;
            case TimerKind.ExchangeTimeout:
                OnExchangeTimeout(timer.Arg);
                break;
            case TimerKind.NewPeerExchange:
                OnNewPeerExchange((string)timer.Target!, now);
                break;
        }
    }

    private readonly record struct NodeTimer(TimerKind Kind, long Arg, object? Target);
}
