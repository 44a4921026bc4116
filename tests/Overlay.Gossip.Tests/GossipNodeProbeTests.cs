using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Tests;

/// <summary>Probing: direct ping, indirect pings with nacks, the stream fallback, awareness, relaying.</summary>
public sealed class GossipNodeProbeTests
{
    private static readonly GossipOptions NoPushPull = GossipOptions.Lan with { PushPullInterval = TimeSpan.Zero };

    /// <summary>Advances until the node sends its next probe and returns it.</summary>
    private static Ping NextProbe(NodeHarness h)
    {
        for (int i = 0; i < 200; i++)
        {
            h.Advance(TimeSpan.FromMilliseconds(50));
            if (h.Transport.Sent<Ping>().FirstOrDefault() is { Message: { } ping })
            {
                return ping;
            }
        }
        throw new InvalidOperationException("no probe sent");
    }

    [Fact]
    public void An_ack_ends_the_probe_and_improves_health()
    {
        var h = new NodeHarness(NoPushPull);
        h.AddMembers(4);
        h.Deliver(1, new Suspect(1, "self", "m1")); // health 1
        h.Transport.Clear();
        Ping ping = NextProbe(h);
        h.Deliver(int.Parse(ping.Node[1..]), new AckResp(ping.SeqNo, null));
        h.Transport.Clear();
        h.Advance(TimeSpan.FromSeconds(0.9));
        Assert.Empty(h.Transport.Sent<IndirectPing>());
        Assert.Equal(0, h.Node.SuspectMemberCount);
        Assert.Equal(0, h.Node.HealthScore);
    }

    [Fact]
    public void No_ack_means_indirect_probes_with_nacks_a_stream_ping_then_suspicion()
    {
        var h = new NodeHarness(NoPushPull);
        h.AddMembers(4);
        h.Transport.Clear();
        Ping ping = NextProbe(h);
        h.Advance(NoPushPull.ProbeTimeout);

        var indirect = h.Transport.Sent<IndirectPing>().ToList();
        Assert.Equal(3, indirect.Count); // IndirectChecks
        Assert.All(indirect, i => Assert.Equal((ping.SeqNo, ping.Node, true), (i.Message.SeqNo, i.Message.Node, i.Message.Nack)));
        Assert.DoesNotContain(indirect, i => i.To == h.Member(ping.Node).EndPoint);
        Assert.Equal(ping.Node, Assert.Single(h.Transport.StreamPings).Ping.Node);

        h.Advance(TimeSpan.FromSeconds(0.5)); // the deadline: one (unscaled) probe interval after the ping
        Assert.Equal(NodeStateKind.Suspect, h.Member(ping.Node).State);
        Assert.Equal(3, h.Node.HealthScore); // three nacks expected, none came: the problem may be ours
        Assert.Equal(1, h.Node.Metrics.SuspicionsRaised);
    }

    [Fact]
    public void Nacks_from_the_relays_clear_us_of_blame()
    {
        var h = new NodeHarness(NoPushPull);
        h.AddMembers(4);
        h.Transport.Clear();
        Ping ping = NextProbe(h);
        h.Advance(NoPushPull.ProbeTimeout);
        foreach (var (to, _) in h.Transport.Sent<IndirectPing>().ToList())
        {
            h.Node.ReceivePacket(to, [new NackResp(ping.SeqNo)]);
        }
        h.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(NodeStateKind.Suspect, h.Member(ping.Node).State);
        Assert.Equal(0, h.Node.HealthScore);
    }

    [Fact]
    public void An_ack_through_a_relay_or_the_stream_saves_the_target()
    {
        var h = new NodeHarness(NoPushPull);
        h.AddMembers(4);
        h.Transport.Clear();
        Ping ping = NextProbe(h);
        h.Advance(NoPushPull.ProbeTimeout);
        h.Node.CompleteStreamPing(ping.SeqNo, acked: true);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(NodeStateKind.Alive, h.Member(ping.Node).State);
        Assert.Equal(1, h.Node.Metrics.StreamPingAcks);

        h.Transport.Clear();
        ping = NextProbe(h);
        h.Advance(NoPushPull.ProbeTimeout);
        var relay = h.Transport.Sent<IndirectPing>().First();
        h.Node.ReceivePacket(relay.To, [new AckResp(ping.SeqNo, null)]);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(NodeStateKind.Alive, h.Member(ping.Node).State);
    }

    [Fact]
    public void Poor_health_stretches_the_probe_interval()
    {
        var h = new NodeHarness(NoPushPull);
        h.AddMembers(4);
        h.Deliver(1, new Suspect(1, "self", "m1"));
        h.Deliver(1, new Suspect(2, "self", "m1"));
        h.Deliver(1, new Suspect(3, "self", "m1"));
        Assert.Equal(3, h.Node.HealthScore);
        h.Transport.Clear();
        Ping first = NextProbe(h);
        h.Deliver(int.Parse(first.Node[1..]), new AckResp(first.SeqNo, null)); // health 2 from now on
        h.Transport.Clear();
        DateTimeOffset sentAt = h.Time.GetUtcNow();
        NextProbe(h);
        // The interval after the first probe was scaled at its start: (3 + 1) * 1 s.
        Assert.InRange((h.Time.GetUtcNow() - sentAt).TotalSeconds, 3.9, 4.05);
    }

    [Fact]
    public void Without_Lifeguard_there_are_no_nacks_and_no_awareness()
    {
        var h = new NodeHarness(NoPushPull with { Lifeguard = false });
        h.AddMembers(4);
        h.Transport.Clear();
        Ping ping = NextProbe(h);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.All(h.Transport.Sent<IndirectPing>(), i => Assert.False(i.Message.Nack));
        Assert.Equal(NodeStateKind.Suspect, h.Member(ping.Node).State);
        Assert.Equal(0, h.Node.HealthScore);
    }

    [Fact]
    public void A_suspect_target_is_told_with_the_ping()
    {
        var h = new NodeHarness(NoPushPull);
        h.AddMembers(1);
        h.Deliver(2, NodeHarness.AliveOf(2, 1));
        h.Deliver(2, new Suspect(1, "m1", "m2"));
        h.Transport.Clear();
        for (int i = 0; i < 3; i++)
        {
            NextProbe(h);
            var packet = h.Transport.Packets.First(p => p.Messages[0] is Ping);
            if (((Ping)packet.Messages[0]).Node == "m1")
            {
                Assert.Contains(packet.Messages, m => m is Suspect { Node: "m1", From: "self" });
                return;
            }
            h.Transport.Clear();
        }
        Assert.Fail("m1 was not probed");
    }

    [Fact]
    public void The_ping_to_a_suspect_carries_the_suspicion_and_nothing_else()
    {
        // As memberlist: the ping to a suspect carries the suspicion alone, no queued broadcasts. A suspect is likely
        // gone, and each broadcast handed to it spends one of the few transmits (2 in a 3-member local cluster) that
        // should carry the suspicion to the member that can confirm it; without the confirmation the suspect is
        // declared dead only after the maximum timeout (18 s instead of 3 s with the local preset).
        var h = new NodeHarness(NoPushPull with { GossipInterval = TimeSpan.FromHours(1) }); // no gossip rounds drain the queue
        h.AddMembers(2);
        h.Deliver(2, new Suspect(1, "m1", "m2"));
        h.Transport.Clear();
        for (int i = 0; i < 4; i++)
        {
            int queued = h.Node.QueuedBroadcasts;
            Ping ping = NextProbe(h);
            var packet = h.Transport.Packets.First(p => p.Messages[0] is Ping);
            if (ping.Node == "m1")
            {
                Assert.True(queued > 0, "nothing was queued that could have ridden along");
                Assert.Collection(packet.Messages,
                    m => Assert.IsType<Ping>(m),
                    m => Assert.Equal(new Suspect(1, "m1", "self"), m));
                Assert.Equal(queued, h.Node.QueuedBroadcasts);
                return;
            }
            h.Deliver(int.Parse(ping.Node[1..]), new AckResp(ping.SeqNo, null));
            h.Transport.Clear();
        }
        Assert.Fail("m1 was not probed");
    }

    [Fact]
    public void Round_robin_probes_every_member_once_per_pass()
    {
        var h = new NodeHarness(NoPushPull);
        h.AddMembers(9);
        h.Transport.Clear();
        var probed = new List<string>();
        for (int i = 0; i < 18; i++)
        {
            Ping ping = NextProbe(h);
            probed.Add(ping.Node);
            h.Deliver(int.Parse(ping.Node[1..]), new AckResp(ping.SeqNo, null));
            h.Transport.Clear();
        }
        // Members join at random positions, so the first pass may start anywhere; after a full pass every
        // member appears exactly once per nine probes.
        Assert.Equal(9, probed.Skip(9).Distinct().Count());
        Assert.DoesNotContain("self", probed);
    }

    [Fact]
    public void Relays_an_indirect_ping_and_forwards_the_ack_or_sends_a_nack()
    {
        var h = new NodeHarness(NoPushPull);
        h.AddMembers(2);
        h.Transport.Clear();
        byte[] m2 = NodeHarness.Address(2).AddressBytes();
        byte[] m1 = NodeHarness.Address(1).AddressBytes();
        h.Deliver(1, new IndirectPing(77, m2, 7946, "m2", true, m1, 7946, "m1"));
        var (to, relayed) = h.Transport.Sent<Ping>().Single();
        Assert.Equal((NodeHarness.Address(2), "m2"), (to, relayed.Node));
        h.Deliver(2, new AckResp(relayed.SeqNo, null));
        Assert.Contains(h.Transport.Sent<AckResp>(), a => a.To == NodeHarness.Address(1) && a.Message.SeqNo == 77);

        h.Transport.Clear();
        h.Deliver(1, new IndirectPing(78, m2, 7946, "m2", true, m1, 7946, "m1"));
        h.Advance(NoPushPull.ProbeTimeout);
        Assert.Contains(h.Transport.Sent<NackResp>(), n => n.To == NodeHarness.Address(1) && n.Message.SeqNo == 78);
    }

    [Fact]
    public void Answers_pings_for_itself_only()
    {
        var h = new NodeHarness(NoPushPull);
        h.Transport.Clear();
        h.Deliver(1, new Ping(5, "someone-else", null, 0, null));
        Assert.Empty(h.Transport.Sent<AckResp>());
        h.Deliver(1, new Ping(6, "self", NodeHarness.Address(3).AddressBytes(), 7946, "m3"));
        var (to, ack) = h.Transport.Sent<AckResp>().Single();
        Assert.Equal((NodeHarness.Address(3), 6u), (to, ack.SeqNo));
        Assert.True(h.Node.HandleStreamPing(NodeHarness.Address(1), new Ping(1, "self", null, 0, null)));
        Assert.False(h.Node.HandleStreamPing(NodeHarness.Address(1), new Ping(1, "other", null, 0, null)));
    }
}
