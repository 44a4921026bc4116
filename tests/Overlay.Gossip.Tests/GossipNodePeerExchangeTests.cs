using Overlay.Gossip.Membership;

namespace Overlay.Gossip.Tests;

/// <summary>The direct push/pull with a member that shares our user state, when it is first seen.</summary>
public sealed class GossipNodePeerExchangeTests
{
    private static readonly byte[] Ours = [1, 2, 3];

    [Fact]
    public void A_new_member_that_shares_our_state_gets_one_join_exchange_within_a_probe_interval()
    {
        var h = new NodeHarness(gossipDelegate: new SharingDelegate());
        h.Deliver(1, NodeHarness.AliveOf(1, 1, meta: Ours));
        h.Deliver(2, NodeHarness.AliveOf(2, 1, meta: [9]));
        h.Advance(h.Node.Options.ProbeInterval);

        Assert.Equal(1, h.Node.Metrics.NewPeerExchanges);
        Assert.Equal(1, h.Node.StatePeerCount);
        var (_, local, id) = Assert.Single(h.Transport.PushPulls, p => p.To == NodeHarness.Address(1));
        Assert.True(local.Join);
        h.Node.CompletePushPull(id, null);
        Assert.DoesNotContain(h.Transport.PushPulls, p => p.To == NodeHarness.Address(2) && p.State.Join);

        // The same life seen again is not new; a new life (new metadata) is.
        h.Deliver(1, NodeHarness.AliveOf(1, 2, meta: Ours));
        h.Advance(h.Node.Options.ProbeInterval);
        Assert.Equal(1, h.Node.Metrics.NewPeerExchanges);
        h.Deliver(1, NodeHarness.AliveOf(1, 3, meta: [1, 2, 4]));
        h.Advance(h.Node.Options.ProbeInterval);
        Assert.Equal(2, h.Node.Metrics.NewPeerExchanges);
    }

    [Fact]
    public void A_member_that_left_before_its_turn_gets_no_exchange()
    {
        var h = new NodeHarness(gossipDelegate: new SharingDelegate());
        h.Deliver(1, NodeHarness.AliveOf(1, 1, meta: Ours));
        h.Deliver(2, new Messages.Dead(1, "m1", "m1"));
        h.Advance(h.Node.Options.ProbeInterval);
        Assert.Equal(0, h.Node.Metrics.NewPeerExchanges);
        Assert.Equal(0, h.Node.StatePeerCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Learning_a_thousand_such_members_at_once_starts_only_a_few_exchanges(int seed)
    {
        var h = new NodeHarness(gossipDelegate: new SharingDelegate(), seed: seed);
        for (int i = 1; i <= 1000; i++)
        {
            h.Deliver(i, NodeHarness.AliveOf(i, 1, meta: Ours));
        }
        h.Advance(h.Node.Options.ProbeInterval);

        // Each is taken with probability 2/999: about 2 in all.
        Assert.InRange(h.Node.Metrics.NewPeerExchanges, 0, 8);
    }

    [Fact]
    public void Off_when_the_option_is_zero()
    {
        var h = new NodeHarness(GossipOptions.Lan with { NewPeerExchanges = 0 }, gossipDelegate: new SharingDelegate());
        h.Deliver(1, NodeHarness.AliveOf(1, 1, meta: Ours));
        h.Advance(h.Node.Options.ProbeInterval);
        Assert.Equal(0, h.Node.Metrics.NewPeerExchanges);
    }

    private sealed class SharingDelegate : IGossipDelegate
    {
        public bool SharesState(in Member member) => member.Meta is [1, ..];
    }
}
