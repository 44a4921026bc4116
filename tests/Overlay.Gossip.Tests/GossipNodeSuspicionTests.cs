using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Tests;

/// <summary>Suspicion timeouts as the node applies them (GossipMath and Suspicion are tested on their own).</summary>
public sealed class GossipNodeSuspicionTests
{
    private static GossipOptions Quiet => GossipOptions.Lan with { ProbeInterval = TimeSpan.FromHours(1), ProbeTimeout = TimeSpan.FromMinutes(1), PushPullInterval = TimeSpan.Zero };

    [Fact]
    public void Small_cluster_uses_the_minimum_timeout()
    {
        // N = 3 (us + 2): k = SuspicionMult - 2 = 2 > N - 2 = 1, so no confirmations are expected and the
        // timeout is min = 4 * max(1, log10(3)) * 1 h = 4 h (probe interval stretched to keep probes out).
        var h = new NodeHarness(Quiet);
        h.AddMembers(2);
        h.Deliver(2, new Suspect(1, "m1", "m2"));
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State);

        h.Advance(TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1));
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State);
        h.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(NodeStateKind.Dead, h.Member("m1").State);
        Assert.Equal(1, h.Node.Metrics.DeadDeclared);
    }

    [Fact]
    public void Lifeguard_starts_at_max_and_confirmations_shrink_it()
    {
        // N = 11: min = 4 * log10(11) s = 4 * 1.041 = 4.164 s, max = 6 * min = 24.984 s, k = 2.
        var options = GossipOptions.Lan with { ProbeInterval = TimeSpan.FromSeconds(1), PushPullInterval = TimeSpan.Zero };
        var h = new NodeHarness(options with { ProbeTimeout = TimeSpan.FromMilliseconds(500) });
        h.AddMembers(10);
        var min = TimeSpan.FromMilliseconds(4164);
        var max = min * 6;
        // Our own probes must not interfere: every ping is answered at once.
        void Run(TimeSpan duration)
        {
            for (TimeSpan t = TimeSpan.Zero; t < duration; t += TimeSpan.FromMilliseconds(50))
            {
                h.Advance(TimeSpan.FromMilliseconds(50));
                foreach (var (_, ping) in h.Transport.Sent<Ping>().ToList())
                {
                    h.Deliver(int.Parse(ping.Node[1..]), new AckResp(ping.SeqNo, null));
                }
                h.Transport.Clear();
            }
        }

        h.Deliver(2, new Suspect(1, "m1", "m2"));
        Run(TimeSpan.FromSeconds(20));
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State); // 20 s < max: without confirmations still suspect
        Run(max - TimeSpan.FromSeconds(20) - TimeSpan.FromMilliseconds(100));
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State);
        Run(TimeSpan.FromMilliseconds(200));
        Assert.Equal(NodeStateKind.Dead, h.Member("m1").State);

        // A second suspicion, confirmed by two others at once: the timeout falls to min.
        h.Deliver(3, new Suspect(1, "m2", "m3"));
        h.Deliver(4, new Suspect(1, "m2", "m4"));
        h.Deliver(5, new Suspect(1, "m2", "m5"));
        Run(min - TimeSpan.FromMilliseconds(100));
        Assert.Equal(NodeStateKind.Suspect, h.Member("m2").State);
        Run(TimeSpan.FromMilliseconds(200));
        Assert.Equal(NodeStateKind.Dead, h.Member("m2").State);
        Assert.Equal(0, h.Node.Metrics.SuspicionsRaised);
    }

    [Fact]
    public void Without_Lifeguard_the_timeout_is_always_min()
    {
        var options = Quiet with { Lifeguard = false };
        var h = new NodeHarness(options);
        h.AddMembers(10);
        TimeSpan min = GossipMath.SuspicionTimeout(4, 11, options.ProbeInterval);
        h.Deliver(2, new Suspect(1, "m1", "m2"));
        h.Advance(min - TimeSpan.FromSeconds(1));
        Assert.Equal(NodeStateKind.Suspect, h.Member("m1").State);
        h.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(NodeStateKind.Dead, h.Member("m1").State);
    }

    [Fact]
    public void A_confirmation_is_passed_on_and_a_refutation_cancels_the_timer()
    {
        var h = new NodeHarness(Quiet);
        h.AddMembers(10);
        h.DrainBroadcasts();
        h.Deliver(2, new Suspect(1, "m1", "m2"));
        h.Deliver(3, new Suspect(1, "m1", "m3"));
        List<object> sent = h.DrainBroadcasts();
        Assert.Contains(sent, m => m is Suspect { Node: "m1", From: "m3" });

        h.Deliver(1, NodeHarness.AliveOf(1, 2));
        h.Advance(TimeSpan.FromDays(1));
        Assert.Equal(NodeStateKind.Alive, h.Member("m1").State);
    }
}
