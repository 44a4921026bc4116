using Overlay.Dataplane.Switching;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Switching;

public sealed class LearnExchangeTests
{
    private static SharedLearn Item(int i) => new(0, new MacAddress(0x0200_0000_0000UL + (ulong)i), i, default, i);

    [Fact]
    public void News_reaches_every_other_worker_in_order_and_never_its_publisher()
    {
        var x = new LearnExchange(3, capacity: 8);
        x.Publish(1, Item(1));
        x.Publish(1, Item(2));
        Assert.False(x.TryTake(1, out _));
        foreach (int to in new[] { 0, 2 })
        {
            Assert.True(x.TryTake(to, out var a));
            Assert.True(x.TryTake(to, out var b));
            Assert.False(x.TryTake(to, out _));
            Assert.Equal([1, 2], new[] { a.Port, b.Port });
        }
    }

    [Fact]
    public void A_full_ring_drops_and_counts_and_frees_up_as_it_is_read()
    {
        var x = new LearnExchange(2, capacity: 4);
        for (int i = 0; i < 6; i++) x.Publish(0, Item(i));
        Assert.Equal(2, x.Dropped);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(x.TryTake(1, out var item));
            Assert.Equal(i, item.Port);
        }
        Assert.False(x.TryTake(1, out _));
        x.Publish(0, Item(9));
        Assert.True(x.TryTake(1, out var last));
        Assert.Equal(9, last.Port);
    }

    [Fact]
    public void A_producer_and_a_consumer_on_two_threads_lose_and_reorder_nothing()
    {
        const int n = 200_000;
        var x = new LearnExchange(2, capacity: 1024);
        var producer = new Thread(() =>
        {
            for (int i = 0; i < n; i++)
            {
                long dropped = x.Dropped;
                x.Publish(0, Item(i));
                // Full: wait for the consumer and publish again (the test wants every item through).
                while (x.Dropped != dropped)
                {
                    dropped = x.Dropped;
                    Thread.Yield();
                    x.Publish(0, Item(i));
                }
            }
        });
        producer.Start();
        int expected = 0;
        while (expected < n)
        {
            if (x.TryTake(1, out var item))
            {
                Assert.Equal(expected, item.Port);
                expected++;
            }
        }
        producer.Join();
        Assert.False(x.TryTake(1, out _));
    }

    [Fact]
    public void Publishing_allocates_nothing()
    {
        var x = new LearnExchange(2);
        x.Publish(0, Item(0));
        x.TryTake(1, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            x.Publish(0, Item(i));
            x.TryTake(1, out _);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
