using Overlay.Packets.Tests.Support;

namespace Overlay.Packets.Tests.Headers;

/// <summary>The views are on the packet path: parsing, reading, rewriting and encoding must not allocate.</summary>
public sealed class ZeroAllocationTests
{
    private const int Warmup = 2_000;
    private const int Iterations = 10_000;

    [Fact]
    public void Parsing_vxlan_packets_through_every_view_allocates_nothing()
    {
        byte[] v4 = SamplePackets.VxlanOverIpv4();
        byte[] v6 = SamplePackets.VxlanOverIpv6();
        ulong digest = 0;
        for (int i = 0; i < Warmup; i++)
        {
            digest += PacketWalker.WalkFrame(v4) + PacketWalker.WalkFrame(v6);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            digest += PacketWalker.WalkFrame(v4) + PacketWalker.WalkFrame(v6);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0UL, digest);
    }

    [Fact]
    public void Encapsulating_and_rewriting_in_place_allocates_nothing()
    {
        byte[] inner = SamplePackets.IcmpEcho();
        byte[] buffer = new byte[18 + 20 + 8 + 8 + inner.Length];
        inner.CopyTo(buffer, buffer.Length - inner.Length);
        int checksums = 0;
        for (int i = 0; i < Warmup; i++) checksums += Encapsulate(buffer, inner.Length, (uint)i);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++) checksums += Encapsulate(buffer, inner.Length, (uint)i);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksums);
    }

    /// <summary>What the send path does: write outer headers into headroom, then patch the inner packet.</summary>
    private static int Encapsulate(Span<byte> buffer, int innerLength, uint vni)
    {
        int udpLength = UdpView.HeaderLength + VxlanView.HeaderLength + innerLength;
        int at = EthernetView.Encode(buffer, new EthernetFields
        {
            Destination = SamplePackets.OuterDestination, Source = SamplePackets.OuterSource,
            EtherType = EtherTypes.Ipv4, HasVlanTag = true, VlanTci = 100,
        });
        var ip = new Ipv4Fields
        {
            TotalLength = (ushort)(Ipv4View.MinHeaderLength + udpLength), DontFragment = true, Ttl = 64,
            Protocol = IpProtocols.Udp, Source = SamplePackets.OuterSourceV4, Destination = SamplePackets.OuterDestinationV4,
        };
        int ipAt = at;
        at += Ipv4View.Encode(buffer.Slice(at), ip);
        int udpAt = at;
        at += UdpView.Encode(buffer.Slice(at), new UdpFields { SourcePort = 50000, DestinationPort = VxlanView.DefaultPort, Length = (ushort)udpLength });
        VxlanView.Encode(buffer.Slice(at), vni & VxlanView.MaxVni);

        Assert.True(UdpView.TryParse(buffer.Slice(udpAt), out var udp));
        udp.SetChecksum(udp.ComputeChecksumV4(ip.Source, ip.Destination));
        Assert.True(EthernetView.TryParse(udp.Payload.Slice(VxlanView.HeaderLength), out var eth));
        Assert.True(Ipv4View.TryParse(eth.Payload, out var innerIp));
        byte ttl = innerIp.Ttl;
        innerIp.SetTtl((byte)(ttl - 1));
        innerIp.SetHeaderChecksum(InternetChecksum.Update(innerIp.HeaderChecksum, (ushort)(ttl << 8 | innerIp.Protocol), (ushort)((ttl - 1) << 8 | innerIp.Protocol)));
        innerIp.SetTtl(ttl);
        innerIp.UpdateHeaderChecksum();
        Assert.True(Ipv4View.TryParse(buffer.Slice(ipAt), out var outer));
        return udp.Checksum + outer.HeaderChecksum;
    }
}
