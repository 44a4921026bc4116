namespace Overlay.Packets.Tests.Support;

/// <summary>Builds whole packets layer by layer with the views' Encode methods, filling lengths and
/// checksums, so tests state only the fields they care about. Allocates freely: test code only.</summary>
internal static class PacketBuilder
{
    public static byte[] Ethernet(in EthernetFields fields, ReadOnlySpan<byte> payload, int padToLength = 0)
    {
        int headerLength = fields.HasVlanTag ? EthernetView.TaggedHeaderLength : EthernetView.UntaggedHeaderLength;
        var frame = new byte[Math.Max(headerLength + payload.Length, padToLength)];
        EthernetView.Encode(frame, fields);
        payload.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }

    public static byte[] Arp(in ArpFields fields)
    {
        var body = new byte[ArpView.HeaderLength];
        ArpView.Encode(body, fields);
        return body;
    }

    /// <summary>An IPv4 packet around <paramref name="payload"/>; total length and header checksum are filled in.</summary>
    public static byte[] Ipv4(Ipv4Fields fields, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> options = default)
    {
        int headerLength = Ipv4View.MinHeaderLength + ((options.Length + 3) & ~3);
        var packet = new byte[headerLength + payload.Length];
        payload.CopyTo(packet.AsSpan(headerLength));
        Ipv4View.Encode(packet, fields with { TotalLength = (ushort)packet.Length }, options);
        return packet;
    }

    /// <summary>An IPv6 packet around <paramref name="payload"/>; the payload length is filled in.</summary>
    public static byte[] Ipv6(Ipv6Fields fields, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[Ipv6View.HeaderLength + payload.Length];
        payload.CopyTo(packet.AsSpan(Ipv6View.HeaderLength));
        Ipv6View.Encode(packet, fields with { PayloadLength = (ushort)payload.Length });
        return packet;
    }

    public static byte[] Udp(ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        var datagram = new byte[UdpView.HeaderLength + payload.Length];
        UdpView.Encode(datagram, new UdpFields { SourcePort = sourcePort, DestinationPort = destinationPort, Length = (ushort)datagram.Length });
        payload.CopyTo(datagram.AsSpan(UdpView.HeaderLength));
        return datagram;
    }

    public static byte[] Tcp(in TcpFields fields, ReadOnlySpan<byte> options, ReadOnlySpan<byte> payload)
    {
        int headerLength = TcpView.MinHeaderLength + ((options.Length + 3) & ~3);
        var segment = new byte[headerLength + payload.Length];
        TcpView.Encode(segment, fields, options);
        payload.CopyTo(segment.AsSpan(headerLength));
        return segment;
    }

    public static byte[] Icmp(in IcmpFields fields, ReadOnlySpan<byte> payload)
    {
        var message = new byte[IcmpView.HeaderLength + payload.Length];
        IcmpView.Encode(message, fields);
        payload.CopyTo(message.AsSpan(IcmpView.HeaderLength));
        return message;
    }

    public static byte[] Vxlan(uint vni, ReadOnlySpan<byte> innerFrame)
    {
        var packet = new byte[VxlanView.HeaderLength + innerFrame.Length];
        VxlanView.Encode(packet, vni);
        innerFrame.CopyTo(packet.AsSpan(VxlanView.HeaderLength));
        return packet;
    }

    /// <summary>Fills in the transport checksum (UDP, TCP, ICMP, ICMPv6) of an IPv4 packet in place.</summary>
    public static byte[] WithTransportChecksumV4(byte[] packet)
    {
        Assert.True(Ipv4View.TryParse(packet, out var ip));
        switch (ip.Protocol)
        {
            case IpProtocols.Udp:
                Assert.True(UdpView.TryParse(ip.Payload, out var udp));
                udp.SetChecksum(udp.ComputeChecksumV4(ip.Source, ip.Destination));
                break;
            case IpProtocols.Tcp:
                Assert.True(TcpView.TryParse(ip.Payload, out var tcp));
                tcp.SetChecksum(tcp.ComputeChecksumV4(ip.Source, ip.Destination));
                break;
            case IpProtocols.Icmp:
                Assert.True(IcmpView.TryParse(ip.Payload, out var icmp));
                icmp.UpdateChecksum();
                break;
        }
        return packet;
    }

    /// <summary>Fills in the transport checksum of an IPv6 packet in place, after any extension headers.</summary>
    public static byte[] WithTransportChecksumV6(byte[] packet)
    {
        Assert.True(Ipv6View.TryParse(packet, out var ip));
        Assert.True(ip.TryFindTransport(out byte protocol, out int offset));
        Span<byte> transport = ip.Payload.Slice(offset);
        switch (protocol)
        {
            case IpProtocols.Udp:
                Assert.True(UdpView.TryParse(transport, out var udp));
                udp.SetChecksum(udp.ComputeChecksumV6(ip.SourceBytes, ip.DestinationBytes));
                break;
            case IpProtocols.Tcp:
                Assert.True(TcpView.TryParse(transport, out var tcp));
                tcp.SetChecksum(tcp.ComputeChecksumV6(ip.SourceBytes, ip.DestinationBytes));
                break;
            case IpProtocols.Icmpv6:
                Assert.True(Icmpv6View.TryParse(transport, out var icmp));
                icmp.UpdateChecksum(ip.SourceBytes, ip.DestinationBytes);
                break;
        }
        return packet;
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var all = new byte[parts.Sum(p => p.Length)];
        int at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(all, at);
            at += part.Length;
        }
        return all;
    }
}
