using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Tests.Support;
using Overlay.Dataplane.Linux.Underlay;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Underlay;

/// <summary>Batch send (raw, caller-built headers) and batch receive (bound UDP) between two namespaces.</summary>
[Collection(NetnsCollection.Name)]
public sealed class UnderlaySocketTests
{
    private const ushort BasePort = 49152;

    /// <summary>Receives into <paramref name="rx"/> whenever the socket is readable until <paramref name="done"/>
    /// holds, for at most 5 s (datagrams cross the veth asynchronously).</summary>
    private static void ReceiveUntil(UnderlaySocket socket, PacketBufferPool pool, PacketBatch rx, Func<bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!done() && clock.ElapsedMilliseconds < 5_000)
        {
            if (Wait.Readable(socket.Fd, 100)) socket.Receive(pool, rx);
        }
        Assert.True(done(), $"not all datagrams arrived within 5 s ({rx.Count} received)");
    }

    public static TheoryData<bool> Families => new() { false, true };

    [Theory]
    [MemberData(nameof(Families))]
    public void A_batch_of_64_goes_out_in_one_sendmmsg_and_comes_in_with_payload_and_source(bool v6)
    {
        using var veth = new VethPair();
        var (localA, localB) = v6 ? (VethPair.A6, VethPair.B6) : (VethPair.A4, VethPair.B4);
        using var a = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = localA, Namespace = veth.A });
        using var b = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = localB, Namespace = veth.B });
        Assert.Equal(v6, a.IsIPv6);
        Assert.Equal(UnderlayOptions.DefaultPort, b.LocalPort);
        Assert.True(b.ReceiveBufferBytes >= 4 << 20, $"SO_RCVBUF {b.ReceiveBufferBytes}");

        var pool = new PacketBufferPool(256);
        var tx = new PacketBatch(64);
        for (int i = 0; i < 64; i++)
        {
            // On IPv6 one datagram carries a zero UDP checksum (RFC 6936), which only UDP_NO_CHECK6_RX lets in.
            TestPackets.AddUdp(pool, tx, localA, localB, (ushort)(BasePort + i), 4789, TestPackets.Payload(i, i * 3),
                zeroChecksum: v6 && i == 17);
        }

        Assert.Equal(64, a.Send(pool, tx));
        Assert.Equal(1, a.TxCalls);
        Assert.Equal(64, a.TxSent);
        Assert.Equal(0, a.TxErrors + a.TxOversize + a.TxWouldBlock + a.TxBadPeer);
        tx.ReturnAll(pool);

        var rx = new PacketBatch(64);
        ReceiveUntil(b, pool, rx, () => rx.IsFull);

        Assert.Equal(64, rx.Count);
        // Batched: the burst is taken in a few calls (usually one), not one call per datagram.
        Assert.True(b.RxCalls <= 8, $"{b.RxCalls} recvmmsg calls");
        Assert.Equal(64, b.RxDatagrams);
        var seen = new bool[64];
        for (int i = 0; i < rx.Count; i++)
        {
            int index = rx.PeerPorts[i] - BasePort;
            Assert.InRange(index, 0, 63);
            Assert.False(seen[index]);
            seen[index] = true;
            Assert.Equal(localA, rx.Peers[i]);
            Assert.Equal(PacketBufferPool.Headroom, rx.Offsets[i]);
            Assert.Equal(TestPackets.Payload(index, index * 3), rx.Packet(pool, i).ToArray());
        }
        rx.ReturnAll(pool);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void Without_UDP_NO_CHECK6_RX_the_kernel_drops_zero_checksum_IPv6_datagrams()
    {
        // The control experiment for the option our IPv6 receive socket sets.
        using var veth = new VethPair();
        using var a = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = VethPair.A6, Namespace = veth.A });
        using var plain = Overlay.Dataplane.Linux.Netns.NetworkNamespace.Run(veth.B, () =>
        {
            var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6,
                System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            s.Bind(new System.Net.IPEndPoint(VethPair.B6.ToIPAddress(), 4790));
            return s;
        });
        var pool = new PacketBufferPool(8);
        var tx = new PacketBatch(2);
        TestPackets.AddUdp(pool, tx, VethPair.A6, VethPair.B6, 1000, 4790, "zero"u8, zeroChecksum: true);
        TestPackets.AddUdp(pool, tx, VethPair.A6, VethPair.B6, 1001, 4790, "good"u8);
        Assert.Equal(2, a.Send(pool, tx));
        tx.ReturnAll(pool);

        var buffer = new byte[64];
        plain.ReceiveTimeout = 2000;
        int n = plain.Receive(buffer);
        Assert.Equal("good"u8.ToArray(), buffer.AsSpan(0, n).ToArray());
        Assert.Equal(0, plain.Available);
    }

    [Fact]
    public void An_oversize_packet_is_counted_and_skipped_and_the_rest_still_go()
    {
        using var veth = new VethPair();
        using var a = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = VethPair.A4, Namespace = veth.A });
        using var b = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = VethPair.B4, Namespace = veth.B });
        var pool = new PacketBufferPool(16);
        var tx = new PacketBatch(4);
        TestPackets.AddUdp(pool, tx, VethPair.A4, VethPair.B4, 1000, 4789, TestPackets.Payload(1, 10));
        TestPackets.AddUdp(pool, tx, VethPair.A4, VethPair.B4, 1001, 4789, TestPackets.Payload(2, 1600)); // > 1500
        TestPackets.AddUdp(pool, tx, VethPair.A4, VethPair.B4, 1002, 4789, TestPackets.Payload(3, 10));
        tx.Add(tx.Handles[0], tx.Offsets[0], tx.Lengths[0], VethPair.A6); // wrong family for this socket
        pool.TryRent(out int spare);
        tx.Handles[3] = spare;

        Assert.Equal(2, a.Send(pool, tx));
        Assert.Equal(1, a.TxOversize);
        Assert.Equal(1, a.TxBadPeer);
        Assert.Equal(0, a.TxErrors);
        Assert.Equal(3, a.TxCalls); // sent 1, failed on the oversize one, sent the last
        tx.ReturnAll(pool);

        var rx = new PacketBatch(8);
        ReceiveUntil(b, pool, rx, () => rx.Count >= 2);
        Assert.Equal(2, rx.Count);
        Assert.Equal([1000, 1002], rx.PeerPorts.Take(2).Order().Select(p => (int)p).ToArray());
        rx.ReturnAll(pool);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void A_datagram_longer_than_its_buffer_is_dropped_and_its_buffer_returned()
    {
        using var veth = new VethPair();
        using var a = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = VethPair.A4, Namespace = veth.A });
        using var b = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = VethPair.B4, Namespace = veth.B });
        var sendPool = new PacketBufferPool(8);
        var tx = new PacketBatch(2);
        TestPackets.AddUdp(sendPool, tx, VethPair.A4, VethPair.B4, 2000, 4789, TestPackets.Payload(1, 1000));
        TestPackets.AddUdp(sendPool, tx, VethPair.A4, VethPair.B4, 2001, 4789, TestPackets.Payload(2, 100));
        Assert.Equal(2, a.Send(sendPool, tx));
        tx.ReturnAll(sendPool);

        var smallPool = new PacketBufferPool(8, smallSize: 512); // 384 bytes after the headroom
        var rx = new PacketBatch(8);
        ReceiveUntil(b, smallPool, rx, () => rx.Count + b.RxTruncated >= 2);
        Assert.Equal(1, rx.Count);
        Assert.Equal(2001, rx.PeerPorts[0]);
        Assert.Equal(1, b.RxTruncated);
        Assert.Equal(1, smallPool.Outstanding);
        rx.ReturnAll(smallPool);
        Assert.Equal(0, smallPool.Outstanding);
    }

    [Fact]
    public void Nothing_ready_returns_zero_without_leaking_buffers()
    {
        using var veth = new VethPair();
        using var b = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = VethPair.B6, Namespace = veth.B });
        var pool = new PacketBufferPool(8);
        var rx = new PacketBatch(8);
        Assert.Equal(0, b.Receive(pool, rx));
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, b.RxErrors);
        Assert.Equal(1, b.RxCalls);
    }

    [Fact]
    public void Open_errors_name_the_step_and_the_address()
    {
        using var veth = new VethPair();
        using var first = UnderlaySocket.Open(new UnderlayOptions { LocalAddress = VethPair.B4, Namespace = veth.B });
        var inUse = Assert.Throws<LinuxIoException>(() =>
            UnderlaySocket.Open(new UnderlayOptions { LocalAddress = VethPair.B4, Namespace = veth.B }));
        Assert.Equal("EADDRINUSE", inUse.ErrnoName);
        Assert.Contains("bind UDP 198.18.100.2 in netns " + veth.B, inUse.Message);

        var notLocal = Assert.Throws<LinuxIoException>(() =>
            UnderlaySocket.Open(new UnderlayOptions { LocalAddress = IpAddr.Parse("198.18.199.1"), Namespace = veth.B }));
        Assert.Equal("EADDRNOTAVAIL", notLocal.ErrnoName);
    }
}
