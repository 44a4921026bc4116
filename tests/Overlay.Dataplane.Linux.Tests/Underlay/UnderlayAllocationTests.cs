using System.Diagnostics;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Polling;
using Overlay.Dataplane.Linux.Tests.Support;
using Overlay.Dataplane.Linux.Underlay;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Underlay;

[Collection(NetnsCollection.Name)]
public sealed class UnderlayAllocationTests
{
    private const int BatchSize = 32;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Send_and_receive_allocate_nothing_after_warm_up(bool v6)
    {
        using var veth = new VethPair();
        var (localA, localB) = v6 ? (VethPair.A6, VethPair.B6) : (VethPair.A4, VethPair.B4);
        using var a = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = localA, Namespace = veth.A });
        using var b = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = localB, Namespace = veth.B });
        var pool = new PacketBufferPool(256);
        var tx = new PacketBatch(BatchSize);
        for (int i = 0; i < BatchSize; i++)
        {
            TestPackets.AddUdp(pool, tx, localA, localB, (ushort)(40000 + i), 4789, TestPackets.Payload(i, 64));
        }
        var rx = new PacketBatch(BatchSize);
        using var epoll = new Epoll(1);
        epoll.Add(b.Fd, 0);

        long lost = Exchange(a, b, pool, tx, rx, epoll, 100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        lost += Exchange(a, b, pool, tx, rx, epoll, 1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(0, lost);
        Assert.Equal(1100 * BatchSize, b.RxDatagrams);
        Assert.Equal(1100, a.TxCalls); // one sendmmsg per batch
        Assert.True(b.RxCalls < 1100 * 2, $"{b.RxCalls} recvmmsg calls for 1100 batches");
        tx.ReturnAll(pool);
        Assert.Equal(0, pool.Outstanding);
    }

    /// <summary>Sends the batch <paramref name="rounds"/> times and receives each round completely. Returns how
    /// many datagrams did not arrive within a second.</summary>
    private static long Exchange(UnderlaySocket a, UnderlaySocket b, PacketBufferPool pool, PacketBatch tx, PacketBatch rx,
        Epoll epoll, int rounds)
    {
        long lost = 0;
        for (int round = 0; round < rounds; round++)
        {
            a.Send(pool, tx);
            int received = 0;
            long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            while (received < BatchSize && Stopwatch.GetTimestamp() < deadline)
            {
                int n = b.Receive(pool, rx);
                received += n;
                rx.ReturnAll(pool);
                if (n == 0) epoll.Wait(10);
            }
            lost += BatchSize - received;
        }
        return lost;
    }
}
