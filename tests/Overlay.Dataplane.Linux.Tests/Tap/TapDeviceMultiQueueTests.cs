using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Netns;
using Overlay.Dataplane.Linux.Polling;
using Overlay.Dataplane.Linux.Tap;
using Overlay.Dataplane.Linux.Tests.Support;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Tap;

/// <summary>Multi-queue TAPs: one queue per worker, the kernel spreading flows over them and keeping each on one.</summary>
[Collection(NetnsCollection.Name)]
public sealed class TapDeviceMultiQueueTests
{
    private static readonly MacAddress TapMac = MacAddress.Parse("02:00:c6:12:67:01");
    private static readonly MacAddress PeerMac = MacAddress.Parse("02:00:c6:12:67:02");
    private const string TapIp = "198.18.103.1";
    private const string PeerIp = "198.18.103.2";

    private static TapOptions Options(string ns, string name, TapOffloads offloads = TapOffloads.None) => new()
    {
        Name = name, Namespace = ns, Mac = TapMac, Mtu = 1500, MultiQueue = true, Offloads = offloads,
        Addresses = [InterfaceAddress.Parse(TapIp + "/24")],
    };

    [Fact]
    public void Each_flow_leaves_on_one_queue_and_the_flows_spread_over_both()
    {
        using var ns = new TestNamespace();
        string name = "ovq" + TestNamespace.Suffix();
        using var q0 = TapDevice.Create(Options(ns.Name, name));
        using var q1 = q0.OpenQueue();
        Assert.True(q0.IsMultiQueue);
        Assert.True(q1.IsMultiQueue);
        Assert.NotEqual(q0.Fd, q1.Fd);
        Assert.Equal(q0.IfIndex, q1.IfIndex);
        Ip.Run("-n", ns.Name, "neigh", "replace", PeerIp, "lladdr", PeerMac.ToString(), "dev", name, "nud", "permanent");

        const int flows = 64, perFlow = 3;
        NetworkNamespace.Run(ns.Name, () =>
        {
            for (int f = 0; f < flows; f++)
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.Bind(new IPEndPoint(IPAddress.Parse(TapIp), 41000 + f));
                for (int k = 0; k < perFlow; k++) s.SendTo(new byte[16], new IPEndPoint(IPAddress.Parse(PeerIp), 9));
            }
            return 0;
        });

        var pool = new PacketBufferPool(512);
        var batch = new PacketBatch(64);
        var queuesOf = new Dictionary<int, HashSet<int>>();
        int frames = 0;
        using var epoll = new Epoll(2);
        epoll.Add(q0.Fd, 0);
        epoll.Add(q1.Fd, 1);
        var clock = Stopwatch.StartNew();
        while (frames < flows * perFlow && clock.ElapsedMilliseconds < 5000)
        {
            for (int q = 0; q < 2; q++)
            {
                (q == 0 ? q0 : q1).Read(pool, batch);
                for (int i = 0; i < batch.Count; i++)
                {
                    var frame = batch.Packet(pool, i);
                    int port = UdpSourcePortTo(frame, PeerIp, 9);
                    if (port < 0) continue; // the kernel's own chatter
                    frames++;
                    if (!queuesOf.TryGetValue(port, out var set)) queuesOf[port] = set = [];
                    set.Add(q);
                }
                batch.ReturnAll(pool);
            }
            epoll.Wait(50);
        }
        Assert.Equal(flows * perFlow, frames);
        Assert.Equal(flows, queuesOf.Count);
        var split = queuesOf.Where(kv => kv.Value.Count > 1).Select(kv => kv.Key).ToList();
        Assert.True(split.Count == 0, $"flows seen on both queues: {string.Join(", ", split)}");
        int onFirst = queuesOf.Count(kv => kv.Value.Contains(0));
        Assert.True(onFirst is > 0 and < flows, $"{onFirst} of {flows} flows on queue 0: the kernel should spread them");
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void A_queue_gets_the_device_offloads_and_the_device_lives_until_the_last_queue_closes()
    {
        using var ns = new TestNamespace();
        string name = "ovq" + TestNamespace.Suffix();
        var q0 = TapDevice.Create(Options(ns.Name, name, TapOffloads.Checksum | TapOffloads.Tso));
        var q1 = q0.OpenQueue();
        Assert.Equal(q0.Offloads, q1.Offloads);
        Assert.NotEqual(TapOffloads.None, q1.Offloads);
        q0.Dispose();
        Assert.True(Ip.LinkExists(ns.Name, name), "the device should stay while a queue is open");
        q1.Dispose();
        Assert.False(Ip.LinkExists(ns.Name, name));
    }

    [Fact]
    public void A_single_queue_device_refuses_more_queues()
    {
        using var ns = new TestNamespace();
        using var tap = TapDevice.Create(new TapOptions { Name = "ovq" + TestNamespace.Suffix(), Namespace = ns.Name });
        Assert.False(tap.IsMultiQueue);
        Assert.Throws<InvalidOperationException>(() => tap.OpenQueue());
        using var writer = tap.ShareForWriting();
        Assert.NotEqual(tap.Fd, writer.Fd);
    }

    /// <summary>The UDP source port of an IPv4 frame to <paramref name="ip"/>:<paramref name="port"/>, else -1.</summary>
    private static int UdpSourcePortTo(ReadOnlySpan<byte> frame, string ip, int port)
    {
        if (frame.Length < 42 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800 || frame[23] != 17) return -1;
        if (!frame.Slice(30, 4).SequenceEqual(IPAddress.Parse(ip).GetAddressBytes())) return -1;
        int ihl = (frame[14] & 0x0F) * 4;
        var udp = frame[(14 + ihl)..];
        return BinaryPrimitives.ReadUInt16BigEndian(udp[2..]) == port ? BinaryPrimitives.ReadUInt16BigEndian(udp) : -1;
    }
}
