using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Netns;
using Overlay.Dataplane.Linux.Tap;
using Overlay.Dataplane.Linux.Tests.Support;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Tap;

/// <summary>Creating TAPs inside a namespace and moving frames through them.</summary>
[Collection(NetnsCollection.Name)]
public sealed class TapDeviceTests
{
    private static readonly MacAddress TapMac = MacAddress.Parse("02:00:c6:12:65:01");
    private static readonly MacAddress PeerMac = MacAddress.Parse("02:00:c6:12:65:02");
    private static readonly IpAddr TapIp = IpAddr.Parse("198.18.101.1");
    private static readonly IpAddr PeerIp = IpAddr.Parse("198.18.101.2");

    private static TapOptions Options(string ns, string name) => new()
    {
        Name = name,
        Namespace = ns,
        Mac = TapMac,
        Mtu = 1400,
        Addresses =
        [
            InterfaceAddress.Parse("198.18.101.1/24"),
            InterfaceAddress.Parse("198.18.102.1/25"),
            InterfaceAddress.Parse("2001:2:0:65::1/64"),
        ],
    };

    [Fact]
    public void Created_in_a_namespace_it_shows_up_there_configured_and_up_and_goes_away_on_dispose()
    {
        using var ns = new TestNamespace();
        string name = "ovt" + TestNamespace.Suffix();
        var tap = TapDevice.Create(Options(ns.Name, name));
        try
        {
            Assert.Equal(name, tap.Name);
            Assert.True(tap.IsOwned);
            Assert.Equal(1400, tap.Mtu);
            Assert.Equal(TapMac, tap.Mac);
            Assert.NotEqual(0, Ip.TryRun("link", "show", "dev", name).Code); // not in the host namespace

            var link = Ip.Link(ns.Name, name);
            Assert.Equal(tap.IfIndex, link.GetProperty("ifindex").GetInt32());
            Assert.Equal(1400, link.GetProperty("mtu").GetInt32());
            Assert.Equal("02:00:c6:12:65:01", link.GetProperty("address").GetString());
            Assert.Contains("UP", Flags(link));

            var addresses = Ip.Json("-n", ns.Name, "addr", "show", "dev", name)[0].GetProperty("addr_info")
                .EnumerateArray().Select(a => a.GetProperty("local").GetString() + "/" + a.GetProperty("prefixlen").GetInt32())
                .ToList();
            Assert.Contains("198.18.101.1/24", addresses);
            Assert.Contains("198.18.102.1/25", addresses);
            Assert.Contains("2001:2:0:65::1/64", addresses);
        }
        finally
        {
            tap.Dispose();
        }
        Assert.Equal(-1, tap.Fd);
        Assert.False(Ip.LinkExists(ns.Name, name), "the TAP should disappear when its fd closes");
    }

    [Fact]
    public void Frames_flow_both_ways_ARP_request_out_reply_in_then_the_queued_datagram_out()
    {
        using var ns = new TestNamespace();
        using var tap = TapDevice.Create(Options(ns.Name, "ovt" + TestNamespace.Suffix()));
        var pool = new PacketBufferPool(64);

        // A datagram from inside the namespace to a neighbour that only our TAP can answer for.
        NetworkNamespace.Run(ns.Name, () =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.SendTo("hello tap"u8.ToArray(), new IPEndPoint(PeerIp.ToIPAddress(), 9));
        });

        byte[]? request = TapReader.ReadUntil(tap, pool, f => Arp.Is(f, Arp.Request, PeerIp));
        Assert.NotNull(request);
        Assert.Equal(TapMac, Arp.SenderMac(request));
        Assert.Equal(TapIp, Arp.SenderIp(request));

        // Answer it.
        var batch = new PacketBatch(4);
        Assert.True(pool.TryRent(out int handle));
        int length = Arp.Write(pool.Span(handle)[PacketBufferPool.Headroom..], TapMac, PeerMac, Arp.Reply, PeerMac, PeerIp, TapMac, TapIp);
        batch.Add(handle, PacketBufferPool.Headroom, length);
        Assert.Equal(1, tap.Write(pool, batch)); // owned: the device returns the buffer
        Assert.Equal(0, batch.Count);
        Assert.Equal(1, tap.TxFrames);

        // The kernel learnt the neighbour and releases the queued datagram to it.
        byte[]? datagram = TapReader.ReadUntil(tap, pool, f =>
            f.Length >= 42 && BinaryPrimitives.ReadUInt16BigEndian(f[12..]) == 0x0800 && f[23] == 17
            && BinaryPrimitives.ReadUInt16BigEndian(f[36..]) == 9);
        Assert.NotNull(datagram);
        Assert.Equal(PeerMac, MacAddress.Read(datagram));
        Assert.Equal(TapMac, MacAddress.Read(datagram.AsSpan(6)));
        Assert.Equal("hello tap"u8.ToArray(), datagram.AsSpan(42).ToArray());

        var neighbour = Ip.Json("-n", ns.Name, "neigh", "show", PeerIp.ToString(), "dev", tap.Name)[0];
        Assert.Equal(PeerMac.ToString(), neighbour.GetProperty("lladdr").GetString());
        Assert.True(tap.RxFrames >= 2);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void Created_in_the_current_namespace_when_none_is_given()
    {
        using var ns = new TestNamespace();
        string name = "ovt" + TestNamespace.Suffix();
        // "Current" is the namespace of the calling thread: run the call from a thread inside the test namespace
        // so that the host namespace is never touched.
        var tap = NetworkNamespace.Run(ns.Name, () => TapDevice.Create(new TapOptions { Name = name, Mtu = 1300 }));
        try
        {
            Assert.Null(tap.Namespace);
            var link = Ip.Link(ns.Name, name);
            Assert.Equal(1300, link.GetProperty("mtu").GetInt32());
            Assert.Equal(tap.Mac.ToString(), link.GetProperty("address").GetString());
            Assert.Contains("UP", Flags(link));
        }
        finally
        {
            tap.Dispose();
        }
        Assert.False(Ip.LinkExists(ns.Name, name));
    }

    [Fact]
    public void Reading_an_idle_TAP_returns_zero_and_leaks_no_buffer()
    {
        using var ns = new TestNamespace();
        using var tap = TapDevice.Create(new TapOptions { Name = "ovt" + TestNamespace.Suffix(), Namespace = ns.Name, Up = false });
        var pool = new PacketBufferPool(8);
        var batch = new PacketBatch(8);
        Assert.Equal(0, tap.Read(pool, batch));
        Assert.Equal(0, batch.Count);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, tap.RxErrors);
    }

    [Fact]
    public void Creation_errors_name_the_step_the_device_and_the_namespace()
    {
        using var ns = new TestNamespace();
        string name = "ovt" + TestNamespace.Suffix();
        using var first = TapDevice.Create(new TapOptions { Name = name, Namespace = ns.Name });

        var busy = Assert.Throws<LinuxIoException>(() => TapDevice.Create(new TapOptions { Name = name, Namespace = ns.Name }));
        Assert.Equal("EBUSY", busy.ErrnoName);
        Assert.StartsWith($"TUNSETIFF {name} in netns {ns.Name}: EBUSY", busy.Message);

        string missing = "ovlt-missing-" + TestNamespace.Suffix();
        var noNs = Assert.Throws<LinuxIoException>(() => TapDevice.Create(new TapOptions { Name = name, Namespace = missing }));
        Assert.Equal("ENOENT", noNs.ErrnoName);

        Assert.Throws<ArgumentException>(() => TapDevice.Create(new TapOptions { Name = "much-too-long-name0" }));
        Assert.Throws<ArgumentException>(() => TapDevice.Create(new TapOptions { Name = name, Mtu = 1000, Addresses = [InterfaceAddress.Parse("2001:2::1/64")] }));
    }

    [Fact]
    public void Read_and_write_allocate_nothing()
    {
        using var ns = new TestNamespace();
        var options = Options(ns.Name, "ovt" + TestNamespace.Suffix());
        using var tap = TapDevice.Create(options);
        var pool = new PacketBufferPool(64);
        var rx = new PacketBatch(16);
        var tx = new PacketBatch(1);
        using var epoll = new Overlay.Dataplane.Linux.Polling.Epoll(1);
        epoll.Add(tap.Fd, 0);

        int failures = RoundTrips(tap, pool, tx, rx, epoll, 50);
        long before = GC.GetAllocatedBytesForCurrentThread();
        failures += RoundTrips(tap, pool, tx, rx, epoll, 1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, failures);
        Assert.Equal(0, allocated);
        Assert.Equal(0, pool.Outstanding);
    }

    private static int RoundTrips(TapDevice tap, PacketBufferPool pool, PacketBatch tx, PacketBatch rx,
        Overlay.Dataplane.Linux.Polling.Epoll epoll, int count)
    {
        int failures = 0;
        for (int i = 0; i < count; i++)
        {
            // A peer asks who has our address; the kernel answers through the TAP. Write owns the buffer.
            if (!pool.TryRent(out int handle)) return failures + 1;
            int length = Arp.Write(pool.Span(handle)[PacketBufferPool.Headroom..], MacAddress.Broadcast, PeerMac, Arp.Request,
                PeerMac, PeerIp, MacAddress.Zero, TapIp);
            tx.Add(handle, PacketBufferPool.Headroom, length);
            if (tap.Write(pool, tx) != 1) failures++;
            bool replied = false;
            for (int attempt = 0; attempt < 100 && !replied; attempt++)
            {
                tap.Read(pool, rx);
                for (int k = 0; k < rx.Count; k++)
                {
                    if (Arp.Is(rx.Packet(pool, k), Arp.Reply, PeerIp)) replied = true;
                }
                rx.ReturnAll(pool);
                if (!replied) epoll.Wait(20);
            }
            if (!replied) failures++;
        }
        return failures;
    }

    private static List<string> Flags(JsonElement link) =>
        link.GetProperty("flags").EnumerateArray().Select(f => f.GetString() ?? "").ToList();
}
