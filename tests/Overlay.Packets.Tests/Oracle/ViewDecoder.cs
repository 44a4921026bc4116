using System.Globalization;

namespace Overlay.Packets.Tests.Oracle;

/// <summary>Decodes a frame with our views into tshark field names and tshark's units, one value per
/// occurrence in dissection order (outer headers before a tunnel's inner ones). Numbers are decimal strings;
/// addresses use the same text form tshark prints.</summary>
internal sealed class ViewDecoder
{
    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.Ordinal);

    public static Dictionary<string, List<string>> Decode(byte[] frame)
    {
        var decoder = new ViewDecoder();
        decoder.Ethernet(frame);
        return decoder._fields;
    }

    private void Add(string field, string value)
    {
        if (!_fields.TryGetValue(field, out var values)) _fields[field] = values = [];
        values.Add(value);
    }

    private void Add(string field, ulong value) => Add(field, value.ToString(CultureInfo.InvariantCulture));
    private void Add(string field, bool value) => Add(field, value ? 1UL : 0UL);
    private void AddStatus(string field, bool valid) => Add(field, valid ? Tshark.ChecksumGood : Tshark.ChecksumBad);

    private void Ethernet(Span<byte> bytes)
    {
        Assert.True(EthernetView.TryParse(bytes, out var eth));
        Add("eth.dst", eth.Destination.ToString());
        Add("eth.src", eth.Source.ToString());
        Add("eth.type", eth.OuterEtherType);
        if (eth.HasVlanTag)
        {
            Add("vlan.priority", eth.VlanPriority);
            Add("vlan.id", eth.VlanId);
            Add("vlan.etype", eth.EtherType);
        }
        switch (eth.EtherType)
        {
            case EtherTypes.Arp: Arp(eth.Payload); break;
            case EtherTypes.Ipv4: Ipv4(eth.Payload); break;
            case EtherTypes.Ipv6: Ipv6(eth.Payload); break;
        }
    }

    private void Arp(Span<byte> bytes)
    {
        Assert.True(ArpView.TryParse(bytes, out var arp));
        Add("arp.opcode", arp.Operation);
        Add("arp.src.hw_mac", arp.SenderMac.ToString());
        Add("arp.src.proto_ipv4", IpAddr.FromV4(arp.SenderIp).ToString());
        Add("arp.dst.hw_mac", arp.TargetMac.ToString());
        Add("arp.dst.proto_ipv4", IpAddr.FromV4(arp.TargetIp).ToString());
    }

    private void Ipv4(Span<byte> bytes)
    {
        Assert.True(Ipv4View.TryParse(bytes, out var ip));
        Add("ip.hdr_len", (ulong)ip.HeaderLength);
        Add("ip.dsfield", ip.Tos);
        Add("ip.len", ip.TotalLength);
        Add("ip.id", ip.Identification);
        Add("ip.flags.df", ip.DontFragment);
        Add("ip.flags.mf", ip.MoreFragments);
        Add("ip.frag_offset", (ulong)ip.FragmentOffset / 8); // tshark shows the wire field, 8-byte units
        Add("ip.ttl", ip.Ttl);
        Add("ip.proto", ip.Protocol);
        Add("ip.checksum", ip.HeaderChecksum);
        AddStatus("ip.checksum.status", ip.IsHeaderChecksumValid());
        Add("ip.src", ip.SourceAddress.ToString());
        Add("ip.dst", ip.DestinationAddress.ToString());
        if (ip.IsFragment) return; // tshark waits for reassembly; so does the transport

        uint s = ip.Source, d = ip.Destination;
        switch (ip.Protocol)
        {
            case IpProtocols.Udp:
                Assert.True(UdpView.TryParse(ip.Payload, out var udp));
                Udp(udp, !udp.HasChecksum ? Tshark.ChecksumNotPresent : udp.IsChecksumValidV4(s, d) ? Tshark.ChecksumGood : Tshark.ChecksumBad);
                break;
            case IpProtocols.Tcp:
                Assert.True(TcpView.TryParse(ip.Payload, out var tcp));
                Tcp(tcp, tcp.IsChecksumValidV4(s, d));
                break;
            case IpProtocols.Icmp:
                Assert.True(IcmpView.TryParse(ip.Payload, out var icmp));
                Add("icmp.type", icmp.Type);
                Add("icmp.code", icmp.Code);
                Add("icmp.checksum", icmp.Checksum);
                AddStatus("icmp.checksum.status", icmp.IsChecksumValid());
                if (icmp.IsEcho)
                {
                    Add("icmp.ident", icmp.Identifier);
                    Add("icmp.seq", icmp.SequenceNumber);
                }
                break;
        }
    }

    private void Ipv6(Span<byte> bytes)
    {
        Assert.True(Ipv6View.TryParse(bytes, out var ip));
        Add("ipv6.tclass", ip.TrafficClass);
        Add("ipv6.flow", ip.FlowLabel);
        Add("ipv6.plen", ip.PayloadLength);
        Add("ipv6.nxt", ip.NextHeader);
        Add("ipv6.hlim", ip.HopLimit);
        Add("ipv6.src", ip.Source.ToString());
        Add("ipv6.dst", ip.Destination.ToString());
        Assert.True(ip.TryFindTransport(out byte protocol, out int offset));

        Span<byte> transport = ip.Payload.Slice(offset);
        Span<byte> s = ip.SourceBytes, d = ip.DestinationBytes;
        switch (protocol)
        {
            case IpProtocols.Udp:
                Assert.True(UdpView.TryParse(transport, out var udp));
                Udp(udp, udp.IsChecksumValidV6(s, d) ? Tshark.ChecksumGood : Tshark.ChecksumBad);
                break;
            case IpProtocols.Tcp:
                Assert.True(TcpView.TryParse(transport, out var tcp));
                Tcp(tcp, tcp.IsChecksumValidV6(s, d));
                break;
            case IpProtocols.Icmpv6:
                Assert.True(Icmpv6View.TryParse(transport, out var icmp));
                Add("icmpv6.type", icmp.Type);
                Add("icmpv6.code", icmp.Code);
                Add("icmpv6.checksum", icmp.Checksum);
                AddStatus("icmpv6.checksum.status", icmp.IsChecksumValid(s, d));
                if (icmp.IsEcho)
                {
                    Add("icmpv6.echo.identifier", icmp.Identifier);
                    Add("icmpv6.echo.sequence_number", icmp.SequenceNumber);
                }
                break;
        }
    }

    private void Udp(UdpView udp, string checksumStatus)
    {
        Add("udp.srcport", udp.SourcePort);
        Add("udp.dstport", udp.DestinationPort);
        Add("udp.length", udp.Length);
        Add("udp.checksum", udp.Checksum);
        Add("udp.checksum.status", checksumStatus);
        if (udp.DestinationPort != VxlanView.DefaultPort) return;

        Assert.True(VxlanView.TryParse(udp.Payload, out var vxlan));
        Add("vxlan.flags", vxlan.Header >> 48); // tshark's flags field is the first 16 bits
        Add("vxlan.vni", vxlan.Vni);
        Ethernet(vxlan.Payload);
    }

    private void Tcp(TcpView tcp, bool checksumValid)
    {
        Add("tcp.srcport", tcp.SourcePort);
        Add("tcp.dstport", tcp.DestinationPort);
        Add("tcp.seq_raw", tcp.SequenceNumber);
        Add("tcp.ack_raw", tcp.AcknowledgmentNumber);
        Add("tcp.hdr_len", (ulong)tcp.HeaderLength);
        Add("tcp.flags", (ulong)tcp.Flags);
        Add("tcp.window_size_value", tcp.Window);
        Add("tcp.checksum", tcp.Checksum);
        AddStatus("tcp.checksum.status", checksumValid);
        Add("tcp.urgent_pointer", tcp.UrgentPointer);
        Add("tcp.len", (ulong)tcp.Payload.Length);
    }
}
