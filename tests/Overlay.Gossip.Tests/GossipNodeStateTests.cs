using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Tests;

/// <summary>The alive/suspect/dead state machine: incarnation ordering, refutation, leave.</summary>
public sealed class GossipNodeStateTests
{
    [Fact]
    public void Start_makes_us_alive_at_incarnation_1_and_queues_the_news()
    {
        var h = new NodeHarness();
        Assert.Equal(1u, h.Node.Incarnation);
        Assert.Equal(NodeStateKind.Alive, h.Member("self").State);
        Assert.Equal(1, h.Node.AliveMemberCount);
        Assert.Equal(1, h.Node.QueuedBroadcasts);
    }

    [Fact]
    public void Suspicion_about_us_is_refuted_with_a_higher_incarnation()
    {
        var h = new NodeHarness();
        h.AddMembers(3);
        h.DrainBroadcasts();

        h.Deliver(1, new Suspect(1, "self", "m1"));

        Assert.Equal(2u, h.Node.Incarnation);
        Assert.Equal(NodeStateKind.Alive, h.Member("self").State);
        Assert.Equal(1, h.Node.Metrics.Refutations);
        Assert.Equal(1, h.Node.HealthScore); // being accused counts against our own health (Lifeguard)
        var alive = h.DrainBroadcasts().OfType<Alive>().Where(a => a.Node == "self").ToList();
        Assert.NotEmpty(alive);
        Assert.All(alive, a => Assert.Equal(2u, a.Incarnation));
    }

    [Fact]
    public void Refutation_outbids_a_higher_accused_incarnation()
    {
        var h = new NodeHarness();
        h.AddMembers(1);
        h.Deliver(1, new Dead(7, "self", "m1"));
        Assert.Equal(8u, h.Node.Incarnation);
        Assert.Equal(NodeStateKind.Alive, h.Member("self").State);
    }

    [Fact]
    public void Our_own_alive_echo_is_ignored_but_an_older_life_is_outbid()
    {
        var h = new NodeHarness();
        h.AddMembers(1);
        byte[] addr = NodeHarness.Address(0).AddressBytes();
        h.Deliver(1, new Alive(1, "self", addr, 7946, null, NodeHarness.Vsn));
        Assert.Equal(1u, h.Node.Incarnation);

        // A previous life of ours with other metadata at a higher incarnation: refute.
        h.Deliver(1, new Alive(5, "self", addr, 7946, [42], NodeHarness.Vsn));
        Assert.Equal(6u, h.Node.Incarnation);
    }

    [Fact]
    public void Incarnation_numbers_order_the_news()
    {
        var events = new RecordingDelegate();
        var h = new NodeHarness(gossipDelegate: events);
        h.Deliver(1, NodeHarness.AliveOf(1, 5));
        Assert.Equal(("join", NodeStateKind.Alive, 5u), (events.Events[^1].Event, h.Member("m1").State, h.Member("m1").Incarnation));

        h.Deliver(1, NodeHarness.AliveOf(1, 3));                // older alive: ignored
        Assert.Equal(5u, h.Member("m1").Incarnation);
        h.Deliver(2, new Suspect(4, "m1", "m2"));               // older suspicion: ignored
        Assert.Equal(NodeStateKind.Alive, h.Member("m1").State);
        h.Deliver(2, new Suspect(5, "m1", "m2"));               // current: suspect
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State);
        h.Deliver(1, NodeHarness.AliveOf(1, 5));                // same incarnation does not clear a suspicion
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State);
        h.Deliver(1, NodeHarness.AliveOf(1, 6));                // the refutation does
        Assert.Equal((NodeStateKind.Alive, 6u), (h.Member("m1").State, h.Member("m1").Incarnation));
        h.Deliver(2, new Dead(5, "m1", "m2"));                  // older death: ignored
        Assert.Equal(NodeStateKind.Alive, h.Member("m1").State);
        h.Deliver(2, new Dead(6, "m1", "m2"));                  // current death
        Assert.Equal(NodeStateKind.Dead, h.Member("m1").State);
        Assert.Equal(("leave", NodeStateKind.Dead), (events.Events[^1].Event, events.Events[^1].Member.State));
        h.Deliver(1, NodeHarness.AliveOf(1, 6));                // same incarnation cannot resurrect
        Assert.Equal(NodeStateKind.Dead, h.Member("m1").State);
        h.Deliver(1, NodeHarness.AliveOf(1, 7));                // a newer one can: a rejoin
        Assert.Equal(NodeStateKind.Alive, h.Member("m1").State);
        Assert.Equal(["join", "leave", "join"], events.Events.Where(e => e.Member.Name == "m1").Select(e => e.Event).ToArray());
    }

    [Fact]
    public void A_dead_message_from_the_member_itself_is_a_graceful_leave()
    {
        var events = new RecordingDelegate();
        var h = new NodeHarness(gossipDelegate: events);
        h.AddMembers(2);
        h.Deliver(1, new Dead(1, "m1", "m1"));
        Assert.Equal(NodeStateKind.Left, h.Member("m1").State);
        Assert.Equal((1, 0), (h.Node.Metrics.MembersLeft, h.Node.Metrics.MembersDead));
        Assert.Equal(NodeStateKind.Left, events.Events[^1].Member.State);
    }

    [Fact]
    public void Leave_announces_us_left_and_stops_refuting()
    {
        var h = new NodeHarness();
        h.AddMembers(3);
        h.DrainBroadcasts();
        h.Node.Leave();

        Assert.Equal(NodeStateKind.Left, h.Member("self").State);
        Assert.False(h.Node.LeaveDisseminated);
        List<object> sent = h.DrainBroadcasts();
        Assert.Contains(sent, m => m is Dead { Node: "self", From: "self" });
        Assert.True(h.Node.LeaveDisseminated);

        h.Deliver(1, new Suspect(1, "self", "m1"));
        h.Deliver(1, new Dead(1, "self", "m1"));
        Assert.Equal(0, h.Node.Metrics.Refutations);
        Assert.Equal(NodeStateKind.Left, h.Member("self").State);
    }

    [Fact]
    public void A_name_bound_to_another_address_is_a_conflict()
    {
        var h = new NodeHarness();
        h.Deliver(1, NodeHarness.AliveOf(1, 1));
        h.Deliver(2, new Alive(2, "m1", NodeHarness.Address(2).AddressBytes(), 7946, null, NodeHarness.Vsn));
        Assert.Equal(NodeHarness.Address(1), h.Member("m1").EndPoint);
        Assert.Equal(1, h.Node.Metrics.AddressConflicts);

        // Once it has left, the name may come back elsewhere.
        h.Deliver(1, new Dead(1, "m1", "m1"));
        h.Deliver(2, new Alive(2, "m1", NodeHarness.Address(2).AddressBytes(), 7946, null, NodeHarness.Vsn));
        Assert.Equal((NodeHarness.Address(2), NodeStateKind.Alive), (h.Member("m1").EndPoint, h.Member("m1").State));
    }

    [Fact]
    public void Metadata_change_is_an_update()
    {
        var events = new RecordingDelegate();
        var h = new NodeHarness(gossipDelegate: events);
        h.Deliver(1, NodeHarness.AliveOf(1, 1));
        h.Deliver(1, NodeHarness.AliveOf(1, 2, meta: [1, 2]));
        Assert.Equal(["join", "update"], events.Events.Where(e => e.Member.Name == "m1").Select(e => e.Event).ToArray());
        Assert.Equal(new byte[] { 1, 2 }, h.Member("m1").Meta);
    }

    [Fact]
    public void User_broadcasts_with_the_same_key_replace_each_other()
    {
        var h = new NodeHarness();
        h.AddMembers(3);
        h.DrainBroadcasts();
        h.Node.Broadcast("endpoint/a", [1]);
        h.Node.Broadcast("endpoint/a", [2]);
        h.Node.Broadcast("endpoint/b", [3]);
        var payloads = h.DrainBroadcasts().OfType<UserMessage>().Select(u => u.Payload[0]).Distinct().Order().ToArray();
        Assert.Equal(new byte[] { 2, 3 }, payloads);
    }

    [Fact]
    public void User_messages_reach_the_delegate_after_the_packet_is_answered()
    {
        var events = new RecordingDelegate();
        var h = new NodeHarness(gossipDelegate: events);
        h.AddMembers(1);
        h.Transport.Clear();
        h.Deliver(1, new Ping(9, "self", NodeHarness.Address(1).AddressBytes(), 7946, "m1"), new UserMessage([7]));
        Assert.Equal(7, Assert.Single(events.UserMessages)[0]);
        Assert.Equal(9u, h.Transport.Sent<AckResp>().Single().Message.SeqNo);
    }
}
