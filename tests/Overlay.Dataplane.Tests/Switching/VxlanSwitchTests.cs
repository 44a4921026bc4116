using System.Buffers.Binary;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Counters;
using Overlay.Dataplane.Switching;
using Overlay.Packets;
using Overlay.Testing;

namespace Overlay.Dataplane.Tests.Switching;

public sealed class VxlanSwitchTests
{
    private static readonly MacAddress MacA = MacAddress.Parse("02:00:00:00:00:0a");
    private static readonly MacAddress MacB = MacAddress.Parse("02:00:00:00:00:0b");
    private static readonly MacAddress MacC = MacAddress.Parse("02:00:00:00:00:0c");
    private const uint IpA = 0xC613_0001, IpB = 0xC613_0002;

    private static (SwitchRig rig, SwitchRig.Host h1, SwitchRig.Host h2, FakeInsidePort a, FakeInsidePort b) TwoHosts(uint vni = 42)
    {
        var rig = new SwitchRig();
        var h1 = rig.AddHost("198.18.0.1");
        var h2 = rig.AddHost("198.18.0.2");
        var a = h1.Port("a", vni);
        var b = h2.Port("b", vni);
        Flood(h1, vni, "198.18.0.2");
        Flood(h2, vni, "198.18.0.1");
        return (rig, h1, h2, a, b);
    }

    private static void Flood(SwitchRig.Host h, uint vni, string remote) =>
        Assert.Equal(FdbResult.Ok, h.Switch.FdbUpdate(h.Network(vni), FdbChange.Append, MacAddress.Zero, null, IpAddr.Parse(remote), FdbEntryKind.Permanent));

    [Fact]
    public void BroadcastFloodsThenUnicastIsLearnedBothWays()
    {
        var (rig, h1, h2, a, b) = TwoHosts();
        a.Enqueue(Frames.ArpRequest(MacA, IpA, IpB));
        rig.Pump();
        Assert.Single(b.Written);
        Assert.Equal(Frames.ArpRequest(MacA, IpA, IpB), b.Written[0]);

        var reply = Frames.Udp4(MacA, MacB, IpB, IpA, 1000, 2000, 100);
        b.Enqueue(reply);
        rig.Pump();
        Assert.Single(a.Written);
        Assert.Equal(reply, a.Written[0]);

        Assert.True(h2.Network(42).Fdb.TryGet(MacA, out var e2));
        Assert.Equal(IpAddr.Parse("198.18.0.1"), e2.Remote);
        Assert.Equal(FdbEntryKind.Dynamic, e2.Kind);
        Assert.True(h1.Network(42).Fdb.TryGet(MacB, out var e1));
        Assert.Equal(IpAddr.Parse("198.18.0.2"), e1.Remote);
        Assert.True(h1.Network(42).Fdb.TryGet(MacA, out var local));
        Assert.Equal(0, local.Port);
        Assert.Equal(0, h1.Pool.Outstanding);
        Assert.Equal(0, h2.Pool.Outstanding);
    }

    [Fact]
    public void HeadEndReplicationSendsOneCopyPerRemoteAndNeverBack()
    {
        var rig = new SwitchRig();
        var h1 = rig.AddHost("198.18.0.1");
        var h2 = rig.AddHost("198.18.0.2");
        var h3 = rig.AddHost("198.18.0.3");
        var a = h1.Port("a", 7);
        var a2 = h1.Port("a2", 7);
        var b = h2.Port("b", 7);
        var c = h3.Port("c", 7);
        foreach (var (h, peers) in new[] { (h1, new[] { "198.18.0.2", "198.18.0.3" }), (h2, new[] { "198.18.0.1", "198.18.0.3" }), (h3, new[] { "198.18.0.1", "198.18.0.2" }) })
        {
            foreach (var p in peers) Flood(h, 7, p);
        }
        rig.Underlay.Capture = true;
        a.Enqueue(Frames.ArpRequest(MacA, IpA, IpB));
        rig.Pump();
        Assert.Equal(2, rig.Underlay.Sent.Count); // one per remote VTEP, no echo from receivers
        Assert.Single(b.Written);
        Assert.Single(c.Written);
        Assert.Single(a2.Written); // local sibling
        Assert.Empty(a.Written); // never back to the ingress port
        foreach (var h in rig.Hosts) Assert.Equal(0, h.Pool.Outstanding);
    }

    [Fact]
    public void NetworksAreIsolated()
    {
        var rig = new SwitchRig();
        var h1 = rig.AddHost("198.18.0.1");
        var h2 = rig.AddHost("198.18.0.2");
        var a42 = h1.Port("a42", 42);
        var a43 = h1.Port("a43", 43);
        var b42 = h2.Port("b42", 42);
        var b43 = h2.Port("b43", 43);
        Flood(h1, 42, "198.18.0.2"); Flood(h1, 43, "198.18.0.2");
        Flood(h2, 42, "198.18.0.1"); Flood(h2, 43, "198.18.0.1");
        a42.Enqueue(Frames.ArpRequest(MacA, IpA, IpB));
        a42.Enqueue(Frames.Raw(MacC, MacA));
        rig.Pump();
        Assert.Equal(2, b42.Written.Count);
        Assert.Empty(b43.Written);
        Assert.Empty(a43.Written);
    }

    [Fact]
    public void UnderlayDropsAreCountedByReason()
    {
        var (rig, h1, h2, a, b) = TwoHosts();
        var frame = Frames.Raw(MacA, MacB);
        var good = new byte[8 + frame.Length];
        good[0] = 0x08;
        BinaryPrimitives.WriteUInt32BigEndian(good.AsSpan(4), 42u << 8);
        frame.CopyTo(good, 8);

        void Send(byte[] payload, string from = "198.18.0.9") => h2.End.Enqueue(IpAddr.Parse(from), 50000, payload);
        byte[] Mutate(Action<byte[]> change) { var c = (byte[])good.Clone(); change(c); return c; }

        Send(good.AsSpan(0, 10).ToArray());                          // truncated
        Send(Mutate(p => p[0] = 0));                                 // no I flag
        Send(Mutate(p => p[1] = 0x80));                              // reserved bit
        Send(Mutate(p => p[7] = 1));                                 // reserved low byte of the VNI word
        Send(Mutate(p => BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), 99u << 8))); // unknown VNI
        Send(good, from: "198.18.0.2");                              // our own address as source
        Send(Mutate(p => MacAddress.Broadcast.Write(p.AsSpan(8 + 6)))); // multicast source MAC
        Send(Mutate(p => MacAddress.Zero.Write(p.AsSpan(8 + 6))));     // zero source MAC
        rig.Pump();

        var u = h2.Switch.Underlay.Drops;
        Assert.Equal(1, u[(int)DropReason.Truncated]);
        Assert.Equal(1, u[(int)DropReason.VxlanInvalidFlags]);
        Assert.Equal(2, u[(int)DropReason.VxlanReservedBits]);
        Assert.Equal(1, u[(int)DropReason.UnknownVni]);
        Assert.Equal(1, u[(int)DropReason.OwnVtepSource]);
        Assert.Equal(2, h2.Network(42).Counters.Drops[(int)DropReason.InvalidSourceMac]);
        Assert.Empty(b.Written);
        Assert.Equal(0, h2.Pool.Outstanding);
    }

    [Fact]
    public void ReservedBitsMaskToleratesConfiguredBits()
    {
        var rig = new SwitchRig();
        var h = rig.AddHost("198.18.0.2", s => s with { ReservedBitsMask = 0x0080_0000_0000_0000UL });
        var b = h.Port("b", 42);
        var frame = Frames.Raw(MacB, MacA);
        var p = new byte[8 + frame.Length];
        p[0] = 0x08;
        p[1] = 0x80;
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), 42u << 8);
        frame.CopyTo(p, 8);
        h.End.Enqueue(IpAddr.Parse("198.18.0.1"), 1, p);
        rig.Pump();
        Assert.Single(b.Written);
    }

    [Fact]
    public void StaticEntriesNeverMigrateAndDynamicOnesMove()
    {
        var (rig, h1, h2, a, b) = TwoHosts();
        var net = h2.Network(42);
        // MacA pinned to 198.18.0.7: a frame from MacA via 198.18.0.1 is dropped, like the kernel does.
        Assert.Equal(FdbResult.Ok, h2.Switch.FdbUpdate(net, FdbChange.Add, MacA, null, IpAddr.Parse("198.18.0.7"), FdbEntryKind.Static));
        Assert.Equal(FdbResult.Exists, h2.Switch.FdbUpdate(net, FdbChange.Add, MacA, null, IpAddr.Parse("198.18.0.8"), FdbEntryKind.Static));
        a.Enqueue(Frames.Raw(MacB, MacA));
        rig.Pump();
        Assert.Empty(b.Written);
        Assert.Equal(1, net.Counters.Drops[(int)DropReason.StaticConflict]);

        // A dynamic entry moves: MacC is first behind h1, then behind a second VTEP.
        var h3 = rig.AddHost("198.18.0.3");
        var c = h3.Port("c", 42);
        Flood(h3, 42, "198.18.0.2");
        a.Enqueue(Frames.Raw(MacB, MacC));
        rig.Pump();
        c.Enqueue(Frames.Raw(MacB, MacC));
        rig.Pump();
        Assert.True(net.Fdb.TryGet(MacC, out var moved));
        Assert.Equal(IpAddr.Parse("198.18.0.3"), moved.Remote);
        Assert.Equal(1, net.MacMoves);
    }

    [Fact]
    public void LearnedEntriesAgeOutAfterTheAgeingTime()
    {
        var (rig, h1, h2, a, b) = TwoHosts();
        a.Enqueue(Frames.Raw(MacB, MacA));
        rig.Pump();
        var net = h2.Network(42);
        Assert.True(net.Fdb.TryGet(MacA, out _));
        rig.Time.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal(0, h2.Switch.Age());
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, h2.Switch.Age());
        Assert.False(net.Fdb.TryGet(MacA, out _));
    }

    [Fact]
    public void MaxAddressesCapsLearning()
    {
        var rig = new SwitchRig();
        var h = rig.AddHost("198.18.0.1");
        var net = h.Network(5, tweak: s => s with { MaxAddresses = 3 });
        var p = h.Port("p", 5);
        h.Port("q", 5);
        for (int i = 1; i <= 10; i++) p.Enqueue(Frames.Raw(MacAddress.Broadcast, new MacAddress(0x0200_0000_0000UL + (ulong)i)));
        rig.Pump();
        Assert.Equal(3, net.Fdb.Count);
        Assert.Equal(7, net.LearnFull);
    }

    [Fact]
    public void OversizeFramesAreDroppedNotFragmented()
    {
        var (rig, h1, h2, a, b) = TwoHosts();
        a.Enqueue(Frames.Udp4(MacB, MacA, IpA, IpB, 1, 2, 1450 - 28 + 1)); // one byte over the 1450 MTU
        a.Enqueue(Frames.Udp4(MacB, MacA, IpA, IpB, 1, 2, 1450 - 28));
        rig.Pump();
        Assert.Equal(1, h1.Switch.Ports[0].Counters.Drops[(int)DropReason.Oversize]);
        Assert.Single(b.Written);
    }

    [Fact]
    public void LocalPortsSwitchDirectlyWithoutTheUnderlay()
    {
        var rig = new SwitchRig();
        var h = rig.AddHost("198.18.0.1");
        var p = h.Port("p", 1);
        var q = h.Port("q", 1);
        rig.Underlay.Capture = true;
        q.Enqueue(Frames.Raw(MacAddress.Broadcast, MacB));
        p.Enqueue(Frames.Raw(MacB, MacA));
        rig.Pump();
        Assert.Single(p.Written);
        Assert.Equal(2, q.Written.Count + p.Written.Count);
        Assert.Empty(rig.Underlay.Sent);
    }

    [Fact]
    public void AppendedDestinationsEachGetACopy()
    {
        var (rig, h1, h2, a, b) = TwoHosts();
        var h3 = rig.AddHost("198.18.0.3");
        var c = h3.Port("c", 42);
        var net = h1.Network(42);
        Assert.Equal(FdbResult.Ok, h1.Switch.FdbUpdate(net, FdbChange.Append, MacC, null, IpAddr.Parse("198.18.0.2"), FdbEntryKind.Permanent));
        Assert.Equal(FdbResult.Ok, h1.Switch.FdbUpdate(net, FdbChange.Append, MacC, null, IpAddr.Parse("198.18.0.3"), FdbEntryKind.Permanent));
        a.Enqueue(Frames.Raw(MacC, MacA));
        rig.Pump();
        Assert.Single(b.Written);
        Assert.Single(c.Written);
        Assert.Equal(FdbResult.Ok, h1.Switch.FdbDelete(net, MacC, IpAddr.Parse("198.18.0.2")));
        Assert.True(net.Fdb.TryGet(MacC, out var e));
        Assert.Equal(1, e.RemoteCount);
        Assert.Equal(IpAddr.Parse("198.18.0.3"), e.Remote);
    }

    [Fact]
    public void EgressChecksMtuOfPortAndUnderlay()
    {
        var rig = new SwitchRig();
        var h1 = rig.AddHost("198.18.0.1", s => s with { UnderlayMtu = 1000 });
        var h2 = rig.AddHost("198.18.0.2");
        var big = h1.Port("big", 42, mtu: 1450);
        var small = h1.Port("small", 42, mtu: 500);
        var b = h2.Port("b", 42);
        Flood(h1, 42, "198.18.0.2");
        big.Enqueue(Frames.Udp4(MacAddress.Broadcast, MacA, IpA, IpB, 1, 2, 960)); // 1002 B frame + 36 B outer: over both MTUs
        big.Enqueue(Frames.Udp4(MacAddress.Broadcast, MacA, IpA, IpB, 1, 2, 400)); // fits both
        rig.Pump();
        Assert.Single(small.Written);
        Assert.Single(b.Written);
        Assert.Equal(1, h1.Switch.Ports[1].Counters.Drops[(int)DropReason.Oversize]);
        Assert.Equal(1, h1.Network(42).Counters.Drops[(int)DropReason.Oversize]);
        Assert.Equal(0, h1.Pool.Outstanding);
    }

    [Fact]
    public void ArpProxyAnswersKnownTargetsLocallyAndNeverFloods()
    {
        var rig = new SwitchRig();
        var h1 = rig.AddHost("198.18.0.1");
        var h2 = rig.AddHost("198.18.0.2");
        var net = h1.Network(42, tweak: s => s with { ArpProxy = true });
        var a = h1.Port("a", 42);
        var b = h2.Port("b", 42);
        Flood(h1, 42, "198.18.0.2");
        Flood(h2, 42, "198.18.0.1");
        h1.Switch.NeighbourSet(net, IpAddr.FromV4(IpB), MacB);
        rig.Underlay.Capture = true;

        a.Enqueue(Frames.ArpRequest(MacA, IpA, IpB));       // known: answered here
        a.Enqueue(Frames.ArpRequest(MacA, IpA, 0xC6130063)); // unknown: consumed, not flooded
        rig.Pump();

        Assert.Empty(rig.Underlay.Sent);
        Assert.Empty(b.Written);
        var reply = Assert.Single(a.Written);
        Assert.True(EthernetView.TryParse(reply, out var eth));
        Assert.Equal(MacA, eth.Destination);
        Assert.Equal(MacB, eth.Source);
        Assert.True(ArpView.TryParse(eth.Payload, out var arp));
        Assert.True(arp.IsReply);
        Assert.Equal(MacB, arp.SenderMac);
        Assert.Equal(IpB, arp.SenderIp);
        Assert.Equal(MacA, arp.TargetMac);
        Assert.Equal(IpA, arp.TargetIp);
        Assert.Equal(1, net.ArpReplies);
        Assert.Equal(1, net.Counters.Drops[(int)DropReason.ArpProxyMiss]);
        Assert.Equal(0, h1.Pool.Outstanding);
    }

    [Fact]
    public void NeighbourSolicitationForAKnownTargetIsAnsweredLocally()
    {
        var rig = new SwitchRig();
        var h1 = rig.AddHost("198.18.0.1");
        var net = h1.Network(42, tweak: s => s with { ArpProxy = true });
        var a = h1.Port("a", 42);
        var requesterIp = IpAddr.Parse("2001:2:0:19::1");
        var targetIp = IpAddr.Parse("2001:2:0:19::2");
        h1.Switch.NeighbourSet(net, targetIp, MacB);

        // NS: Ethernet to the solicited-node group, IPv6 hop limit 255, ICMPv6 135 with the target and our MAC option.
        var ns = new byte[14 + 40 + 32];
        MacAddress.Parse("33:33:ff:00:00:02").Write(ns);
        MacA.Write(ns.AsSpan(6));
        ns[12] = 0x86; ns[13] = 0xDD;
        BinaryPrimitives.WriteUInt32BigEndian(ns.AsSpan(14), 0x6000_0000);
        BinaryPrimitives.WriteUInt16BigEndian(ns.AsSpan(18), 32);
        ns[20] = 58; ns[21] = 255;
        requesterIp.WriteV6(ns.AsSpan(22));
        IpAddr.Parse("ff02::1:ff00:2").WriteV6(ns.AsSpan(38));
        ns[54] = 135;
        targetIp.WriteV6(ns.AsSpan(62));
        ns[78] = 1; ns[79] = 1;
        MacA.Write(ns.AsSpan(80));
        ulong sum = InternetChecksum.PseudoHeaderV6(ns.AsSpan(22, 16), ns.AsSpan(38, 16), 58, 32);
        BinaryPrimitives.WriteUInt16BigEndian(ns.AsSpan(56), InternetChecksum.Finish(InternetChecksum.Add(ns.AsSpan(54), sum)));

        a.Enqueue(ns);
        rig.Pump();

        var na = Assert.Single(a.Written);
        Assert.True(EthernetView.TryParse(na, out var eth));
        Assert.Equal((MacA, MacB), (eth.Destination, eth.Source));
        Assert.True(Ipv6View.TryParse(eth.Payload, out var ip));
        Assert.Equal((targetIp, requesterIp, (byte)255), (ip.Source, ip.Destination, ip.HopLimit));
        Assert.True(Icmpv6View.TryParse(ip.Payload, out var icmp));
        Assert.Equal(Icmpv6View.TypeNeighborAdvertisement, icmp.Type);
        Assert.True(icmp.IsChecksumValid(ip.SourceBytes, ip.DestinationBytes));
        Assert.Equal(0x60u, icmp.RestOfHeader >> 24);
        Assert.Equal(targetIp, IpAddr.ReadV6(icmp.Payload.Slice(0, 16)));
        Assert.Equal(MacB, MacAddress.Read(icmp.Payload.Slice(18, 6)));
        Assert.Equal(0, h1.Pool.Outstanding);
    }
}
