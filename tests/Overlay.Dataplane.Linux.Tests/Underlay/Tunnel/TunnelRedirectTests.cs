using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Netns;
using Overlay.Dataplane.Linux.Tap;
using Overlay.Dataplane.Linux.Tests.Support;
using Overlay.Dataplane.Linux.Underlay.Tunnel;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Underlay.Tunnel;

/// <summary>The tc rules, the device lookup and the neighbour table against the real kernel, between two
/// namespaces (root, iproute2's tc and ip, ping).</summary>
[Collection(NetnsCollection.Name)]
public sealed class TunnelRedirectTests
{
    private const ushort VxlanPort = 4789;
    private const ushort PeerPort = 5555;
    private const string TapName = "ovlhtap";

    private static readonly MacAddress TapMac = MacAddress.Parse("02:00:c6:12:63:99");

    private static TapDevice CreateTap(string ns) => TapDevice.Create(new TapOptions { Name = TapName, Namespace = ns, Mac = TapMac });

    private static Socket BoundUdp(string ns, IpAddr address, ushort port) => NetworkNamespace.Run(ns, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 3000 };
        socket.Bind(new IPEndPoint(address.ToIPAddress(), port));
        return socket;
    });

    private static bool HasClsact(string ns, string device) => TunnelNetwork.Tc(ns, "qdisc", "show", "dev", device).Contains("qdisc clsact ");

    [Fact]
    public void Without_a_min_length_every_vxlan_packet_goes_to_the_tap()
    {
        using var net = new TunnelNetwork();
        using var tap = CreateTap(net.A);
        using (var redirect = TcRedirect.Install(net.A, TunnelNetwork.Underlay, TapName, TunnelNetwork.LocalIp, VxlanPort, minLength: 0))
        {
            string rules = TunnelNetwork.Tc(net.A, "filter", "show", "dev", TunnelNetwork.Underlay, "ingress");
            Assert.DoesNotContain("pref 49152", rules);
            Assert.Contains("pref 49153 u32", rules);
            Assert.Contains("Egress Redirect to device " + TapName, rules);
            Assert.DoesNotContain(">=", redirect.ToString());
        }
        Assert.DoesNotContain("pref 4915", TunnelNetwork.Tc(net.A, "filter", "show", "dev", TunnelNetwork.Underlay, "ingress"));
    }

    [Fact]
    public void Large_vxlan_goes_to_the_tap_small_to_the_socket_and_tap_frames_leave_by_the_underlay()
    {
        using var net = new TunnelNetwork();
        using var tap = CreateTap(net.A);

        // 1. The underlay device is found by its address, in the namespace and from a thread already inside it.
        var link = TunnelNetwork.Link(net.A, TunnelNetwork.Underlay);
        var expected = new UnderlayDeviceInfo(TunnelNetwork.Underlay, link.GetProperty("ifindex").GetInt32(),
            TunnelNetwork.MacOf(net.A, TunnelNetwork.Underlay));
        Assert.Equal(expected, UnderlayDevice.Find(TunnelNetwork.LocalIp, net.A));
        Assert.Equal(expected, NetworkNamespace.Run(net.A, () => UnderlayDevice.Find(TunnelNetwork.LocalIp)));
        Assert.Null(UnderlayDevice.Find(TunnelNetwork.PeerIp, net.A));
        Assert.Null(UnderlayDevice.Find(TunnelNetwork.LocalIp)); // not in the test's own namespace

        // 2. The rules are there, as tc shows them.
        var redirect = TcRedirect.Install(net.A, TunnelNetwork.Underlay, TapName, TunnelNetwork.LocalIp, VxlanPort);
        try
        {
            string underlayRules = TunnelNetwork.Tc(net.A, "filter", "show", "dev", TunnelNetwork.Underlay, "ingress");
            Assert.Contains("pref 49152 u32", underlayRules);
            Assert.Contains("flowid ffff:1", underlayRules);
            Assert.Contains("match 000012b5/0000ffff at 20", underlayRules);  // dport 4789
            Assert.Contains("match c6126301/ffffffff at 16", underlayRules);  // dst 198.18.99.1
            Assert.Contains("match 05000000/0f00f800 at 0", underlayRules);   // IHL 5, total length < 2048
            Assert.Contains("pref 49153 u32", underlayRules);
            Assert.Contains("match 00000000/00003fff at 4", underlayRules);   // not a fragment
            Assert.Contains($"mirred (Egress Redirect to device {TapName})", underlayRules);
            string tapRules = TunnelNetwork.Tc(net.A, "filter", "show", "dev", TapName, "ingress");
            Assert.Contains("protocol all pref 49152 u32", tapRules);
            Assert.Contains($"mirred (Egress Redirect to device {TunnelNetwork.Underlay})", tapRules);

            // 3. Ping fills the neighbour table; both ways of naming the namespace see it, the root namespace not.
            Assert.Equal(0, TunnelNetwork.Exec(net.A, "ping", "-c", "1", "-W", "2", TunnelNetwork.PeerIp.ToString()));
            var peerMac = TunnelNetwork.MacOf(net.B, TunnelNetwork.Peer);
            var neighbours = NeighbourTable.ReadIPv4(TunnelNetwork.Underlay, net.A);
            Assert.Equal(peerMac, neighbours[TunnelNetwork.PeerIp]);
            Assert.Equal(neighbours, NetworkNamespace.Run(net.A, () => NeighbourTable.ReadIPv4(TunnelNetwork.Underlay)));
            Assert.Empty(NeighbourTable.ReadIPv4(TunnelNetwork.Underlay));

            // 4. Small, large, small: the socket gets both small ones in order, the TAP the large one.
            using var vtep = BoundUdp(net.A, TunnelNetwork.LocalIp, VxlanPort);
            using var peer = BoundUdp(net.B, TunnelNetwork.PeerIp, PeerPort);
            var local = new IPEndPoint(TunnelNetwork.LocalIp.ToIPAddress(), VxlanPort);
            peer.SendTo(new byte[100], local);
            peer.SendTo(TestPackets.Payload(7, 3000 - 8), local); // IP total length 3028
            peer.SendTo(new byte[200], local);

            var buffer = new byte[16384];
            Assert.Equal(100, vtep.Receive(buffer));
            Assert.Equal(200, vtep.Receive(buffer));
            var pool = new PacketBufferPool(64, smallSize: 16384);
            var frame = TapReader.ReadUntil(tap, pool, f => f.Length > 14 + 28
                && BinaryPrimitives.ReadUInt16BigEndian(f[12..]) == 0x0800
                && BinaryPrimitives.ReadUInt16BigEndian(f[(14 + 22)..]) == VxlanPort);
            Assert.NotNull(frame);
            Assert.Equal(14 + 3028, frame.Length);
            Assert.Equal(3028, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14 + 2)));
            Assert.Equal(TunnelNetwork.PeerIp, IpAddr.ReadV4(frame.AsSpan(14 + 12)));
            Assert.Equal(TestPackets.Payload(7, 3000 - 8), frame.AsSpan(14 + 28).ToArray());
            Assert.Equal(peerMac, MacAddress.Read(frame.AsSpan(6)));
            Assert.Equal(0, pool.Outstanding);

            // 5. A frame written into the TAP leaves through the underlay device and reaches the peer.
            Assert.True(pool.TryRent(out int handle));
            var span = pool.Span(handle)[PacketBufferPool.Headroom..];
            peerMac.Write(span);
            expected.Mac.Write(span[6..]);
            BinaryPrimitives.WriteUInt16BigEndian(span[12..], 0x0800);
            var payload = TestPackets.Payload(9, 64);
            int length = 14 + TestPackets.WriteUdp(span[14..], TunnelNetwork.LocalIp, TunnelNetwork.PeerIp, VxlanPort, PeerPort, payload);
            var batch = new PacketBatch(1);
            batch.Add(handle, PacketBufferPool.Headroom, length);
            Assert.Equal(1, tap.Write(pool, batch));
            Assert.Equal(payload.Length, peer.Receive(buffer));
            Assert.Equal(payload, buffer.AsSpan(0, payload.Length).ToArray());
            Assert.Equal(0, pool.Outstanding);
        }
        finally
        {
            redirect.Dispose();
        }

        // 6. Everything it added is gone, including the qdiscs it created.
        Assert.Empty(redirect.CleanupErrors);
        Assert.True(string.IsNullOrWhiteSpace(TunnelNetwork.Tc(net.A, "filter", "show", "dev", TunnelNetwork.Underlay, "ingress")));
        Assert.False(HasClsact(net.A, TunnelNetwork.Underlay));
        Assert.False(HasClsact(net.A, TapName));
        redirect.Dispose(); // twice is fine
    }

    [Fact]
    public void IPv6_rules_are_accepted_and_the_link_local_neighbour_is_read()
    {
        using var net = new TunnelNetwork();
        using var tap = CreateTap(net.A);
        var local = TunnelNetwork.LocalLinkLocal;
        var peerLinkLocal = TunnelNetwork.PeerLinkLocal;

        var found = UnderlayDevice.Find(local, net.A);
        Assert.NotNull(found);
        Assert.Equal(TunnelNetwork.Underlay, found.Name);

        using (var redirect = TcRedirect.Install(net.A, TunnelNetwork.Underlay, TapName, local, 8472))
        {
            string rules = TunnelNetwork.Tc(net.A, "filter", "show", "dev", TunnelNetwork.Underlay, "ingress");
            Assert.Contains("protocol ipv6 pref 49152 u32", rules);
            Assert.Contains("match 00001100/f800ff00 at 4", rules); // payload length < 2048 and next header UDP
            Assert.Contains("match 00002118/0000ffff at 40", rules); // dport 8472
            Assert.Contains("protocol ipv6 pref 49153 u32", rules);
            Assert.Contains($"mirred (Egress Redirect to device {TapName})", rules);
        }
        Assert.True(string.IsNullOrWhiteSpace(TunnelNetwork.Tc(net.A, "filter", "show", "dev", TunnelNetwork.Underlay, "ingress")));

        Assert.Equal(0, TunnelNetwork.Exec(net.A, "ping", "-6", "-c", "1", "-W", "2", $"{peerLinkLocal}%{TunnelNetwork.Underlay}"));
        var neighbours = NeighbourTable.ReadIPv6(TunnelNetwork.Underlay, net.A);
        Assert.Equal(TunnelNetwork.MacOf(net.B, TunnelNetwork.Peer), neighbours[peerLinkLocal]);
        Assert.Throws<InvalidOperationException>(() => NeighbourTable.ReadIPv6("ovlhnone", net.A));
    }

    [Fact]
    public void A_failing_step_throws_naming_the_command_and_removes_what_was_added()
    {
        using var net = new TunnelNetwork();

        var e = Assert.Throws<InvalidOperationException>(() =>
            TcRedirect.Install(net.A, TunnelNetwork.Underlay, "ovlhnotap", TunnelNetwork.LocalIp, VxlanPort));

        Assert.Contains($"`tc -n {net.A} qdisc add dev ovlhnotap clsact`", e.Message);
        Assert.Contains("Cannot find device", e.Message);
        Assert.False(HasClsact(net.A, TunnelNetwork.Underlay)); // it had made this one
    }

    [Fact]
    public void Another_users_qdisc_and_filters_survive_and_a_second_install_replaces_leftovers()
    {
        using var net = new TunnelNetwork();
        using var tap = CreateTap(net.A);
        TunnelNetwork.Tc(net.A, "qdisc", "add", "dev", TunnelNetwork.Underlay, "clsact");
        TunnelNetwork.Tc(net.A, "filter", "add", "dev", TunnelNetwork.Underlay, "ingress", "pref", "100", "protocol", "ip",
            "u32", "match", "ip", "dst", "198.18.99.200/32", "classid", "ffff:2");

        // A daemon that died without cleaning up, then a new one.
        var crashed = TcRedirect.Install(net.A, TunnelNetwork.Underlay, TapName, TunnelNetwork.LocalIp, VxlanPort);
        var current = TcRedirect.Install(net.A, TunnelNetwork.Underlay, TapName, TunnelNetwork.LocalIp, VxlanPort);
        string rules = TunnelNetwork.Tc(net.A, "filter", "show", "dev", TunnelNetwork.Underlay, "ingress");
        Assert.Equal(1, Count(rules, "match 05000000/0f00f800 at 0"));
        Assert.Equal(1, Count(rules, "Egress Redirect"));
        Assert.Equal(1, Count(TunnelNetwork.Tc(net.A, "filter", "show", "dev", TapName, "ingress"), "Egress Redirect"));

        current.Dispose();
        Assert.Empty(current.CleanupErrors);
        crashed.Dispose(); // its filters are gone already: it must not throw, only note it
        Assert.NotEmpty(crashed.CleanupErrors);

        rules = TunnelNetwork.Tc(net.A, "filter", "show", "dev", TunnelNetwork.Underlay, "ingress");
        Assert.Contains("pref 100 u32", rules);
        Assert.DoesNotContain("pref 4915", rules);
        Assert.True(HasClsact(net.A, TunnelNetwork.Underlay));
    }

    private static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
