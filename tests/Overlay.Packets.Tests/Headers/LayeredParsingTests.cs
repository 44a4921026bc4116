using System.Text;
using Overlay.Packets.Tests.Support;

namespace Overlay.Packets.Tests.Headers;

/// <summary>Whole frames parsed layer by layer, the way the receive path will: each view's payload is the
/// next view's input, and every checksum verifies.</summary>
public sealed class LayeredParsingTests
{
    [Fact]
    public void Vxlan_over_tagged_ipv4_parses_down_to_the_inner_tcp_payload()
    {
        byte[] frame = SamplePackets.VxlanOverIpv4();

        Assert.True(EthernetView.TryParse(frame, out var eth));
        Assert.Equal(SamplePackets.OuterSource, eth.Source);
        Assert.Equal(SamplePackets.OuterDestination, eth.Destination);
        Assert.True(eth.HasVlanTag);
        Assert.Equal(100, eth.VlanId);
        Assert.Equal(3, eth.VlanPriority);
        Assert.Equal(EtherTypes.Ipv4, eth.EtherType);

        Assert.True(Ipv4View.TryParse(eth.Payload, out var ip));
        Assert.True(ip.IsHeaderChecksumValid());
        Assert.Equal(SamplePackets.OuterSourceV4, ip.Source);
        Assert.Equal(IpProtocols.Udp, ip.Protocol);
        Assert.Equal(2, ip.Ecn);

        Assert.True(UdpView.TryParse(ip.Payload, out var udp));
        Assert.Equal(VxlanView.DefaultPort, udp.DestinationPort);
        Assert.True(udp.IsChecksumValidV4(ip.Source, ip.Destination));

        Assert.True(VxlanView.TryParse(udp.Payload, out var vxlan));
        Assert.True(vxlan.HasIFlag);
        Assert.Equal(0UL, vxlan.ReservedBits);
        Assert.Equal(SamplePackets.Vni, vxlan.Vni);

        Assert.True(EthernetView.TryParse(vxlan.Payload, out var innerEth));
        Assert.Equal(SamplePackets.InnerSource, innerEth.Source);
        Assert.False(innerEth.HasVlanTag);

        Assert.True(Ipv4View.TryParse(innerEth.Payload, out var innerIp));
        Assert.True(innerIp.IsHeaderChecksumValid());
        Assert.Equal(SamplePackets.InnerDestinationV4, innerIp.Destination);

        Assert.True(TcpView.TryParse(innerIp.Payload, out var tcp));
        Assert.True(tcp.IsChecksumValidV4(innerIp.Source, innerIp.Destination));
        Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, tcp.Flags);
        Assert.Equal(0x1234_5678u, tcp.SequenceNumber);
        Assert.Equal(SamplePackets.TimestampOptions, tcp.Options.ToArray());
        Assert.StartsWith("GET / HTTP/1.1", Encoding.ASCII.GetString(tcp.Payload));
    }

    [Fact]
    public void Vxlan_over_ipv6_parses_down_to_the_inner_tcp_syn()
    {
        byte[] frame = SamplePackets.VxlanOverIpv6();

        Assert.True(EthernetView.TryParse(frame, out var eth));
        Assert.Equal(EtherTypes.Ipv6, eth.EtherType);
        Assert.True(Ipv6View.TryParse(eth.Payload, out var ip));
        Assert.Equal(SamplePackets.OuterSourceV6, ip.Source);
        Assert.Equal(0x1_2345u, ip.FlowLabel);
        Assert.Equal(0xB8 >> 2, ip.Dscp);
        Assert.True(ip.TryFindTransport(out byte protocol, out int offset));
        Assert.Equal((IpProtocols.Udp, 0), (protocol, offset));

        Assert.True(UdpView.TryParse(ip.Payload, out var udp));
        Assert.True(udp.IsChecksumValidV6(ip.SourceBytes, ip.DestinationBytes));
        Assert.True(VxlanView.TryParse(udp.Payload, out var vxlan));
        Assert.Equal(SamplePackets.VniV6, vxlan.Vni);

        Assert.True(EthernetView.TryParse(vxlan.Payload, out var innerEth));
        Assert.True(Ipv6View.TryParse(innerEth.Payload, out var innerIp));
        Assert.True(TcpView.TryParse(innerIp.Payload, out var tcp));
        Assert.True(tcp.IsChecksumValidV6(innerIp.SourceBytes, innerIp.DestinationBytes));
        Assert.Equal(TcpFlags.Syn, tcp.Flags);
        Assert.Equal(SamplePackets.SynOptions, tcp.Options.ToArray());
        Assert.True(tcp.Payload.IsEmpty);
    }

    [Fact]
    public void Icmp_echo_in_a_padded_frame_verifies_because_the_ip_view_drops_the_padding()
    {
        byte[] frame = SamplePackets.IcmpEcho();
        Assert.Equal(60, frame.Length);
        Assert.True(EthernetView.TryParse(frame, out var eth));
        Assert.True(Ipv4View.TryParse(eth.Payload, out var ip));
        Assert.Equal(46, eth.Payload.Length);
        Assert.Equal(38, ip.Bytes.Length);
        Assert.True(IcmpView.TryParse(ip.Payload, out var icmp));
        Assert.True(icmp.IsChecksumValid());
        Assert.Equal((0x1234, 7), (icmp.Identifier, icmp.SequenceNumber));
        Assert.Equal("0123456789", Encoding.ASCII.GetString(icmp.Payload));
    }

    [Fact]
    public void Udp_after_ipv6_extension_headers_is_found_and_verifies()
    {
        byte[] frame = SamplePackets.Ipv6WithExtensionHeaders();
        Assert.True(EthernetView.TryParse(frame, out var eth));
        Assert.True(Ipv6View.TryParse(eth.Payload, out var ip));
        Assert.Equal(IpProtocols.Ipv6HopByHop, ip.NextHeader);
        Assert.True(ip.TryFindTransport(out byte protocol, out int offset));
        Assert.Equal(IpProtocols.Udp, protocol);
        Assert.Equal(24, offset);
        Assert.True(UdpView.TryParse(ip.Payload.Slice(offset), out var udp));
        Assert.True(udp.IsChecksumValidV6(ip.SourceBytes, ip.DestinationBytes));
        Assert.Equal(40002, udp.DestinationPort);
    }

    [Fact]
    public void Arp_request_in_a_minimum_frame_parses()
    {
        byte[] frame = SamplePackets.ArpRequest();
        Assert.True(EthernetView.TryParse(frame, out var eth));
        Assert.True(eth.Destination.IsBroadcast);
        Assert.True(ArpView.TryParse(eth.Payload, out var arp));
        Assert.True(arp.IsRequest);
        Assert.Equal(SamplePackets.InnerSourceV4, arp.SenderIp);
        Assert.Equal(SamplePackets.InnerDestinationV4, arp.TargetIp);
        Assert.Equal(18, arp.Payload.Length);
    }
}
