using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Tests;

/// <summary>Join, push/pull merge and rejoin of seeds.</summary>
public sealed class GossipNodePushPullTests
{
    private static PushNodeState State(int i, uint incarnation, NodeStateKind state) =>
        new($"m{i}", NodeHarness.Address(i).AddressBytes(), 7946, null, incarnation, state, NodeHarness.Vsn);

    [Fact]
    public void Join_exchanges_state_with_every_seed()
    {
        var events = new RecordingDelegate { State = [9] };
        var h = new NodeHarness(gossipDelegate: events);
        Assert.Equal(2, h.Node.Join([NodeHarness.Address(1), NodeHarness.Address(2), NodeHarness.Address(0)]));
        Assert.Equal(2, h.Transport.PushPulls.Count);
        var (_, local, id) = h.Transport.PushPulls[0];
        Assert.True(local.Join);
        Assert.Equal(new byte[] { 9 }, local.UserState);
        Assert.Equal("self", Assert.Single(local.Nodes).Name);

        h.Node.CompletePushPull(id, new PushPullMessage([State(1, 1, NodeStateKind.Alive), State(3, 4, NodeStateKind.Alive)], [5], Join: false));
        Assert.Equal(3, h.Node.AliveMemberCount);
        Assert.Equal(1, h.Node.SuccessfulJoins);
        Assert.Equal(new byte[] { 5 }, events.Merged[0].State);
        Assert.False(events.Merged[0].Join);
        h.Node.CompletePushPull(id, null); // late duplicate: ignored
        Assert.Equal(0, h.Node.Metrics.PushPullFailures);
    }

    [Fact]
    public void Merge_takes_left_as_left_and_dead_only_as_suspect()
    {
        var h = new NodeHarness();
        h.AddMembers(3);
        PushPullMessage reply = h.Node.HandlePushPull(NodeHarness.Address(1), new PushPullMessage(
            [State(1, 1, NodeStateKind.Alive), State(2, 1, NodeStateKind.Dead), State(3, 1, NodeStateKind.Left), State(4, 2, NodeStateKind.Alive)],
            null, Join: false));
        Assert.Equal(4, reply.Nodes.Count); // our state before the merge: self + m1..m3
        Assert.Equal(NodeStateKind.Suspect, h.Member("m2").State);
        Assert.Equal(NodeStateKind.Left, h.Member("m3").State);
        Assert.Equal(NodeStateKind.Alive, h.Member("m4").State);
    }

    [Fact]
    public void A_remote_claim_that_we_are_dead_is_refuted()
    {
        var h = new NodeHarness();
        h.AddMembers(1);
        h.Node.HandlePushPull(NodeHarness.Address(1), new PushPullMessage(
            [new PushNodeState("self", NodeHarness.Address(0).AddressBytes(), 7946, null, 4, NodeStateKind.Dead, NodeHarness.Vsn)], null, false));
        Assert.Equal(5u, h.Node.Incarnation);
    }

    [Fact]
    public void Seeds_that_are_not_alive_members_are_joined_again()
    {
        var options = GossipOptions.Lan with
        {
            RejoinInterval = TimeSpan.FromSeconds(30), PushPullInterval = TimeSpan.Zero,
            ProbeInterval = TimeSpan.FromHours(1), ProbeTimeout = TimeSpan.FromMinutes(1), // nobody answers probes here
        };
        var h = new NodeHarness(options);
        GossipEndPoint seed = NodeHarness.Address(1);
        h.Node.Join([seed]);
        h.Node.CompletePushPull(h.Transport.PushPulls[0].Id, null); // the seed is unreachable
        h.Transport.Clear();
        h.Advance(TimeSpan.FromSeconds(61));
        Assert.Contains(h.Transport.PushPulls, p => p.To == seed && p.State.Join);

        // Once the seed is an alive member there is nothing to rejoin.
        h.Deliver(1, NodeHarness.AliveOf(1, 1));
        h.Advance(TimeSpan.FromSeconds(11)); // exchanges started above time out (TcpTimeout)
        h.Transport.Clear();
        h.Advance(TimeSpan.FromSeconds(61));
        Assert.DoesNotContain(h.Transport.PushPulls, p => p.State.Join);
    }

    [Fact]
    public void A_silent_stream_times_out()
    {
        var h = new NodeHarness();
        h.Node.Join([NodeHarness.Address(1)]);
        h.Advance(GossipOptions.Lan.TcpTimeout + TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, h.Node.Metrics.PushPullFailures);
    }
}
