using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Tests;

/// <summary>Timers run on the monotonic clock: stepping the wall clock by hours, either way, moves no probe,
/// probe timeout or suspicion deadline.</summary>
public sealed class GossipNodeClockTests
{
    private static readonly TimeSpan Hours = TimeSpan.FromHours(5);

    [Fact]
    public void Wall_clock_steps_move_no_probe_timer()
    {
        var options = GossipOptions.Lan with { PushPullInterval = TimeSpan.Zero };
        var h = new NodeHarness(options);
        h.AddMembers(4);
        h.Transport.Clear();
        Ping ping = NextProbe(h);

        // The wall clock jumps back: the probe timeout still comes ProbeTimeout (500 ms) after the ping. Read by
        // the wall clock the node would wait five more hours for it.
        long due = h.Node.NextDueTimestamp;
        h.Time.StepWall(-Hours);
        Assert.Equal(due, h.Node.NextDueTimestamp);
        h.Advance(options.ProbeTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Empty(h.Transport.Sent<IndirectPing>());
        h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(options.IndirectChecks, h.Transport.Sent<IndirectPing>().Count());

        // The wall clock jumps forward: the deadline (one probe interval after the ping) has not passed, so a
        // tick now must not suspect the target. Read by the wall clock it would be ten hours late.
        h.Time.StepWall(2 * Hours);
        h.Node.Tick();
        Assert.Equal(NodeStateKind.Alive, h.Member(ping.Node).State);
        h.Advance(options.ProbeInterval - options.ProbeTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(NodeStateKind.Alive, h.Member(ping.Node).State);
        h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(NodeStateKind.Suspect, h.Member(ping.Node).State);
    }

    [Fact]
    public void Wall_clock_steps_move_no_suspicion_timeout()
    {
        // N = 3: no confirmations are expected, the timeout is min = 4 * max(1, log10(3)) * ProbeInterval = 4 h
        // (the probe interval is stretched to an hour to keep our own probes out of the way).
        var options = GossipOptions.Lan with
        {
            ProbeInterval = TimeSpan.FromHours(1), ProbeTimeout = TimeSpan.FromMinutes(1), PushPullInterval = TimeSpan.Zero,
        };
        var h = new NodeHarness(options);
        h.AddMembers(2);
        h.Advance(TimeSpan.FromMinutes(10));
        h.Deliver(2, new Suspect(1, "m1", "m2"));
        DateTimeOffset suspectedAt = h.Time.GetUtcNow();
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State);

        // Six hours forward on the wall clock: by wall time the 4 h timeout has long passed; by elapsed time no
        // time has passed at all.
        h.Time.StepWall(TimeSpan.FromHours(6));
        h.Node.Tick();
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State);

        // Twelve hours back: the member still dies exactly four hours after it was suspected.
        h.Time.StepWall(TimeSpan.FromHours(-12));
        h.Advance(TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1));
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State);
        h.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(NodeStateKind.Dead, h.Member("m1").State);
        Assert.Equal(1, h.Node.Metrics.DeadDeclared);

        // The one wall-clock reading: when the state changed, dated by the wall clock as it reads now (six hours
        // behind the one at which the member was suspected), to the second.
        DateTimeOffset diedAt = suspectedAt + TimeSpan.FromHours(4) - TimeSpan.FromHours(6);
        Assert.InRange(h.Member("m1").StateChange, diedAt - TimeSpan.FromSeconds(1), diedAt);
    }

    /// <summary>Runs the node's timers one at a time until it sends a probe, and returns it: the clock then reads
    /// the instant the ping left.</summary>
    private static Ping NextProbe(NodeHarness h)
    {
        for (int i = 0; i < 1000; i++)
        {
            h.Time.AdvanceTo(h.Node.NextDueTimestamp);
            h.Node.Tick();
            if (h.Transport.Sent<Ping>().FirstOrDefault() is { Message: { } ping })
            {
                return ping;
            }
        }
        throw new InvalidOperationException("no probe sent");
    }
}
