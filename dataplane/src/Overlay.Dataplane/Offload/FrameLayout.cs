using System.Buffers.Binary;
using Overlay.Packets;

namespace Overlay.Dataplane.Offload;

/// <summary>
/// Where the headers of a TCP or UDP frame start, counted from the first byte of the Ethernet frame. Parsed once
/// with the header views, then used as plain offsets so that a frame can be copied or compared header by header.
/// </summary>
internal struct FrameLayout
{
    /// <summary>Ethernet header length: 14, or 18 with one VLAN tag.</summary>
    public int NetworkOffset;
    public int TransportOffset;
    public int PayloadOffset;
    /// <summary>End of the IP packet (network offset + IP length); bytes after it are Ethernet padding.</summary>
    public int PacketEnd;
    public byte Protocol;
    public bool IsV6;
    /// <summary>IPv4 only: MF set, a non-zero fragment offset, or the reserved flag bit set.</summary>
    public bool IsV4FragmentOrReserved;

    public readonly int NetworkHeaderLength => TransportOffset - NetworkOffset;
    public readonly int TransportHeaderLength => PayloadOffset - TransportOffset;
    public readonly int PayloadLength => PacketEnd - PayloadOffset;
    public readonly bool IsTcp => Protocol == IpProtocols.Tcp;

    /// <summary>Parses Ethernet, IP and the TCP or UDP header. Never throws. The UDP length field is not checked
    /// (a USO super-frame's may be stale); the TCP data offset is.</summary>
    public static FrameParse TryParse(Span<byte> frame, out FrameLayout layout)
    {
        layout = default;
        if (!EthernetView.TryParse(frame, out var eth)) return FrameParse.Malformed;
        int network = eth.HeaderLength;
        ushort etherType = eth.EtherType;
        Span<byte> ipBytes = frame.Slice(network);
        int ipHeaderLength;
        int ipLength;
        byte protocol;
        bool v6;
        bool fragment = false;

        if (etherType == EtherTypes.Ipv4)
        {
            if (!Ipv4View.TryParse(ipBytes, out var ip)) return FrameParse.Malformed;
            ipHeaderLength = ip.HeaderLength;
            ipLength = ip.TotalLength;
            protocol = ip.Protocol;
            v6 = false;
            // Anything but DF in the flags/fragment word: MF, an offset, or the reserved bit.
            fragment = (BinaryPrimitives.ReadUInt16BigEndian(ipBytes.Slice(6)) & 0xBFFF) != 0;
        }
        else if (etherType == EtherTypes.Ipv6)
        {
            if (!Ipv6View.TryParse(ipBytes, out var ip)) return FrameParse.Malformed;
            if (ip.PayloadLength == 0) return FrameParse.Unsupported; // jumbogram or empty
            ipHeaderLength = Ipv6View.HeaderLength;
            ipLength = Ipv6View.HeaderLength + ip.PayloadLength;
            protocol = ip.NextHeader;
            v6 = true;
            if (protocol is not (IpProtocols.Tcp or IpProtocols.Udp))
            {
                return protocol is IpProtocols.Ipv6HopByHop or IpProtocols.Ipv6Routing or IpProtocols.Ipv6Fragment
                    or IpProtocols.Ipv6DestinationOptions or IpProtocols.Ah
                    ? FrameParse.Unsupported
                    : FrameParse.NotTcpUdp;
            }
        }
        else
        {
            return FrameParse.NotTcpUdp;
        }

        int transport = network + ipHeaderLength;
        Span<byte> l4 = frame.Slice(transport, ipLength - ipHeaderLength);
        int l4HeaderLength;
        if (protocol == IpProtocols.Tcp)
        {
            if (!TcpView.TryParse(l4, out var tcp)) return FrameParse.Malformed;
            l4HeaderLength = tcp.HeaderLength;
        }
        else if (protocol == IpProtocols.Udp)
        {
            if (l4.Length < UdpView.HeaderLength) return FrameParse.Malformed;
            l4HeaderLength = UdpView.HeaderLength;
        }
        else
        {
            return FrameParse.NotTcpUdp;
        }

        layout = new FrameLayout
        {
            NetworkOffset = network,
            TransportOffset = transport,
            PayloadOffset = transport + l4HeaderLength,
            PacketEnd = network + ipLength,
            Protocol = protocol,
            IsV6 = v6,
            IsV4FragmentOrReserved = fragment,
        };
        return FrameParse.Ok;
    }
}
