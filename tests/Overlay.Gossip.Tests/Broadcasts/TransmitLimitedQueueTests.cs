using Overlay.Gossip.Broadcasts;

namespace Overlay.Gossip.Tests.Broadcasts;

public sealed class TransmitLimitedQueueTests
{
    private static List<object> Fill(TransmitLimitedQueue q, int budget = 1400, int limit = 4, int overhead = 2)
    {
        var into = new List<object>();
        q.Fill(into, null, overhead, budget, limit);
        return into;
    }

    [Fact]
    public void Newer_news_about_the_same_key_replaces_the_older()
    {
        var q = new TransmitLimitedQueue();
        q.Enqueue("m1", user: false, "alive m1 #1", 10, local: false);
        q.Enqueue("m2", user: false, "alive m2 #1", 10, local: false);
        q.Enqueue("m1", user: false, "suspect m1 #1", 10, local: false);
        Assert.Equal(2, q.Count);
        Assert.Equal(1, q.Invalidated);
        Assert.Equal(["alive m2 #1", "suspect m1 #1"], Fill(q).Order().ToArray());
    }

    [Fact]
    public void Member_and_user_keys_are_separate_namespaces()
    {
        var q = new TransmitLimitedQueue();
        q.Enqueue("m1", user: false, "alive m1", 10, local: false);
        q.Enqueue("m1", user: true, "endpoint m1", 10, local: false);
        Assert.Equal(2, q.Count);
        Assert.True(q.Contains("m1", user: false));
        Assert.True(q.Contains("m1", user: true));
    }

    [Fact]
    public void A_message_is_sent_exactly_the_retransmit_limit_times()
    {
        // RetransmitMult 4, N = 100: limit = 4 * ceil(log10(101)) = 12.
        int limit = GossipMath.RetransmitLimit(4, 100);
        var q = new TransmitLimitedQueue();
        q.Enqueue("k", user: true, "payload", 50, local: true);
        int sent = 0;
        for (int i = 0; i < 100; i++)
        {
            sent += Fill(q, limit: limit).Count;
        }
        Assert.Equal(12, sent);
        Assert.Equal(0, q.Count);
        Assert.False(q.Contains("k", user: true));
    }

    [Fact]
    public void Local_news_goes_first_then_fewest_transmits_then_newest()
    {
        var q = new TransmitLimitedQueue();
        q.Enqueue("old", user: false, "relay-old", 100, local: false);
        Fill(q, budget: 102, limit: 10); // "relay-old" now has 1 transmit
        q.Enqueue("new", user: false, "relay-new", 100, local: false);
        q.Enqueue("newer", user: false, "relay-newer", 100, local: false);
        q.Enqueue("mine", user: true, "local", 100, local: true);

        Assert.Equal(["local", "relay-newer", "relay-new", "relay-old"], Fill(q, limit: 10).ToArray());
    }

    [Fact]
    public void Fill_respects_the_budget_and_skips_what_does_not_fit()
    {
        var q = new TransmitLimitedQueue();
        q.Enqueue("small", user: false, "small", 100, local: false);
        q.Enqueue("big", user: false, "big", 1000, local: false);
        q.Enqueue("medium", user: false, "medium", 400, local: false);
        var sizes = new List<int>();
        var into = new List<object>();
        int used = q.Fill(into, sizes, 2, 600, 4);
        Assert.Equal(["medium", "small"], into.ToArray()); // newest first; "big" does not fit and waits
        Assert.Equal([400, 100], sizes.ToArray());
        Assert.Equal(504, used);
        Assert.Equal(0, q.TransmitsOf("big", user: false));
        Assert.Equal(1, q.TransmitsOf("small", user: false));
    }

    [Fact]
    public void A_message_goes_at_most_once_into_one_packet()
    {
        var q = new TransmitLimitedQueue();
        q.Enqueue("a", user: false, "a", 10, local: false);
        Assert.Single(Fill(q, budget: 10_000, limit: 50));
    }

    [Fact]
    public void Freed_entries_are_reused()
    {
        var q = new TransmitLimitedQueue();
        for (int round = 0; round < 1000; round++)
        {
            q.Enqueue($"k{round % 7}", user: false, round, 10, local: round % 2 == 0);
            Fill(q, budget: 40, limit: 3);
        }
        Assert.InRange(q.Count, 0, 7);
    }
}
