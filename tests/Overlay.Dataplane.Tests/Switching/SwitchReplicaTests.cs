using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Switching;
using Overlay.Packets;
using Overlay.Testing;

namespace Overlay.Dataplane.Tests.Switching;

/// <summary>
/// Two workers of one host, each with its own replica of the switch (as the daemon builds them with
/// dataplane.workers 2): what one learns reaches the other through the learn exchange, so the other forwards
/// instead of flooding, and the replicas age alike.
/// </summary>
public sealed class SwitchReplicaTests
{
    private const uint Vni = 42;
    private static readonly MacAddress MacA = MacAddress.Parse("02:00:00:00:00:0a");
    private static readonly MacAddress MacB = MacAddress.Parse("02:00:00:00:00:0b");
    private const uint IpA = 0xC613_0001, IpB = 0xC613_0002;
    private static readonly TimeSpan Share = TimeSpan.FromSeconds(1);

    private sealed record Replica(SwitchRig.Host Host, FakeInsidePort A, FakeInsidePort B);

    private static (SwitchRig rig, Replica r0, Replica r1, LearnExchange exchange) TwoWorkers()
    {
        var rig = new SwitchRig();
        rig.Underlay.Capture = true;
        var exchange = new LearnExchange(2);
        var replicas = new List<Replica>();
        for (int w = 0; w < 2; w++)
        {
            var h = rig.AddHost($"198.18.0.{w + 1}");
            var a = h.Port("a", Vni);
            var b = h.Port("b", Vni);
            h.Switch.FdbUpdate(h.Network(Vni), FdbChange.Append, MacAddress.Zero, null, IpAddr.Parse("198.18.0.9"), FdbEntryKind.Permanent);
            h.Switch.JoinExchange(exchange, w, Share);
            replicas.Add(new Replica(h, a, b));
        }
        return (rig, replicas[0], replicas[1], exchange);
    }

    [Fact]
    public void What_one_worker_learns_the_other_forwards_to_without_flooding()
    {
        var (rig, r0, r1, _) = TwoWorkers();
        r0.A.Enqueue(Frames.ArpRequest(MacA, IpA, IpB));
        r0.Host.Pump();
        Assert.Single(r0.B.Written); // flooded on worker 0
        Assert.Equal(1, r1.Host.Switch.AdoptShared());
        Assert.True(r1.Host.Network(Vni).Fdb.TryGet(MacA, out var e));
        Assert.Equal(0, e.Port);
        Assert.Equal(FdbEntryKind.Dynamic, e.Kind);

        int sentBefore = rig.Underlay.Sent.Count;
        r1.B.Enqueue(Frames.Udp4(MacA, MacB, IpB, IpA, 1000, 2000, 100));
        r1.Host.Pump();
        Assert.Single(r1.A.Written);
        Assert.Equal(sentBefore, rig.Underlay.Sent.Count); // known: not flooded to the remote VTEP
        Assert.Equal(0, r0.Host.Pool.Outstanding);
        Assert.Equal(0, r1.Host.Pool.Outstanding);
    }

    [Fact]
    public void Refreshes_are_shared_about_once_per_interval_so_the_replicas_age_alike()
    {
        var (rig, r0, r1, exchange) = TwoWorkers();
        var frame = Frames.Udp4(MacB, MacA, IpA, IpB, 1000, 2000, 10);
        r0.A.Enqueue(frame);
        r0.Host.Pump();
        Assert.Equal(1, r1.Host.Switch.AdoptShared());
        for (int i = 0; i < 10; i++)
        {
            rig.Time.Advance(TimeSpan.FromMilliseconds(150));
            r0.A.Enqueue(frame);
            r0.Host.Pump();
        }
        // 1.5 s of frames every 150 ms: one refresh was due after 1 s, not ten.
        Assert.Equal(1, r1.Host.Switch.AdoptShared());
        Assert.Equal(0, exchange.Dropped);

        // Worker 1 never sees MacA as a source, yet its entry stays as fresh as worker 0's within the interval.
        var ageing = r0.Host.Network(Vni).Settings.Ageing;
        for (var t = TimeSpan.Zero; t < ageing + ageing; t += TimeSpan.FromSeconds(1))
        {
            rig.Time.Advance(TimeSpan.FromSeconds(1));
            r0.A.Enqueue(frame);
            r0.Host.Pump();
            r1.Host.Switch.AdoptShared();
            r0.Host.Switch.Age();
            r1.Host.Switch.Age();
        }
        Assert.True(r1.Host.Network(Vni).Fdb.TryGet(MacA, out _), "worker 1 aged out a MAC worker 0 keeps seeing");

        // Once the MAC falls silent, both replicas age it out.
        rig.Time.Advance(ageing + Share + Share);
        r0.Host.Switch.Age();
        r1.Host.Switch.Age();
        Assert.False(r0.Host.Network(Vni).Fdb.TryGet(MacA, out _));
        Assert.False(r1.Host.Network(Vni).Fdb.TryGet(MacA, out _));
    }

    [Fact]
    public void Crossing_news_of_a_move_settles_on_the_newest_sighting_in_both_replicas()
    {
        var (rig, r0, r1, _) = TwoWorkers();
        r0.A.Enqueue(Frames.Udp4(MacB, MacA, IpA, IpB, 1000, 2000, 10)); // MacA behind port a, seen by worker 0
        r0.Host.Pump();
        rig.Time.Advance(TimeSpan.FromMilliseconds(5));
        r1.B.Enqueue(Frames.Udp4(MacB, MacA, IpA, IpB, 1000, 2000, 10)); // later, behind port b, seen by worker 1
        r1.Host.Pump();
        r0.Host.Switch.AdoptShared();
        r1.Host.Switch.AdoptShared();
        foreach (var r in new[] { r0, r1 })
        {
            Assert.True(r.Host.Network(Vni).Fdb.TryGet(MacA, out var e));
            Assert.Equal(1, e.Port);
        }
    }
}
