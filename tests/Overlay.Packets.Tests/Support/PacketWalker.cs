using System.Numerics;

namespace Overlay.Packets.Tests.Support;

/// <summary>Parses a frame through every view it can reach (down into VXLAN inner frames) and reads every
/// property and checksum helper, folding them into a digest. Allocation-free, so the allocation test can
/// use it; the fuzz test uses it to prove no getter throws after a successful TryParse.</summary>
internal static class PacketWalker
{
    private const int MaxDepth = 2;

    public static ulong WalkFrame(Span<byte> frame, int depth = 0)
    {
        if (!EthernetView.TryParse(frame, out var eth)) return 1;
        ulong h = Mix(eth.Destination.Value, eth.Source.Value);
        h = Mix(h, eth.OuterEtherType, eth.EtherType, eth.VlanTci, eth.VlanId, eth.VlanPriority, eth.TagProtocol, (ulong)eth.HeaderLength);
        h = Mix(h, eth.HasVlanTag ? 1UL : 0, (ulong)eth.Payload.Length, (ulong)eth.Bytes.Length);
        return eth.EtherType switch
        {
            EtherTypes.Arp => Mix(h, WalkArp(eth.Payload)),
            EtherTypes.Ipv4 => Mix(h, WalkIpv4(eth.Payload, depth)),
            EtherTypes.Ipv6 => Mix(h, WalkIpv6(eth.Payload, depth)),
            _ => h,
        };
    }

    public static ulong WalkArp(Span<byte> bytes)
    {
        if (!ArpView.TryParse(bytes, out var arp)) return 2;
        ulong h = Mix(arp.Operation, arp.SenderMac.Value, arp.SenderIp, arp.TargetMac.Value, arp.TargetIp);
        return Mix(h, arp.IsRequest ? 1UL : 0, arp.IsReply ? 1UL : 0, arp.IsGratuitous ? 1UL : 0, (ulong)arp.Payload.Length);
    }

    public static ulong WalkIpv4(Span<byte> bytes, int depth)
    {
        if (!Ipv4View.TryParse(bytes, out var ip)) return 3;
        ulong h = Mix(ip.Tos, ip.Dscp, ip.Ecn, ip.TotalLength, ip.Identification, ip.FragmentOffset, ip.Ttl, ip.Protocol);
        h = Mix(h, ip.HeaderChecksum, ip.Source, ip.Destination, (ulong)ip.SourceAddress.GetHashCode(), (ulong)ip.DestinationAddress.GetHashCode());
        h = Mix(h, ip.DontFragment ? 1UL : 0, ip.MoreFragments ? 2UL : 0, ip.IsFragment ? 4UL : 0, ip.HasOptions ? 8UL : 0);
        h = Mix(h, (ulong)ip.HeaderLength, (ulong)ip.Options.Length, (ulong)ip.Header.Length, (ulong)ip.Payload.Length);
        h = Mix(h, ip.IsHeaderChecksumValid() ? 1UL : 0, ip.ComputeHeaderChecksum());
        if (ip.IsFragment && ip.FragmentOffset != 0) return h;
        uint s = ip.Source, d = ip.Destination;
        switch (ip.Protocol)
        {
            case IpProtocols.Udp when UdpView.TryParse(ip.Payload, out var udp):
                h = Mix(h, WalkUdp(udp, depth), udp.ComputeChecksumV4(s, d), udp.IsChecksumValidV4(s, d) ? 1UL : 0);
                break;
            case IpProtocols.Tcp when TcpView.TryParse(ip.Payload, out var tcp):
                h = Mix(h, WalkTcp(tcp), tcp.ComputeChecksumV4(s, d), tcp.IsChecksumValidV4(s, d) ? 1UL : 0);
                break;
            case IpProtocols.Icmp when IcmpView.TryParse(ip.Payload, out var icmp):
                h = Mix(h, icmp.Type, icmp.Code, icmp.Checksum, icmp.RestOfHeader, icmp.Identifier, icmp.SequenceNumber);
                h = Mix(h, icmp.IsEcho ? 1UL : 0, (ulong)icmp.Payload.Length, icmp.ComputeChecksum(), icmp.IsChecksumValid() ? 1UL : 0);
                break;
        }
        return h;
    }

    public static ulong WalkIpv6(Span<byte> bytes, int depth)
    {
        if (!Ipv6View.TryParse(bytes, out var ip)) return 4;
        ulong h = Mix(ip.TrafficClass, ip.Dscp, ip.Ecn, ip.FlowLabel, ip.PayloadLength, ip.NextHeader, ip.HopLimit);
        h = Mix(h, (ulong)ip.Source.GetHashCode(), (ulong)ip.Destination.GetHashCode(), ip.SourceBytes[15], ip.DestinationBytes[15]);
        h = Mix(h, (ulong)ip.Payload.Length, (ulong)ip.Bytes.Length);
        if (!ip.TryFindTransport(out byte protocol, out int offset)) return Mix(h, 5);
        Span<byte> transport = ip.Payload.Slice(offset);
        Span<byte> s = ip.SourceBytes, d = ip.DestinationBytes;
        switch (protocol)
        {
            case IpProtocols.Udp when UdpView.TryParse(transport, out var udp):
                h = Mix(h, WalkUdp(udp, depth), udp.ComputeChecksumV6(s, d), udp.IsChecksumValidV6(s, d) ? 1UL : 0);
                break;
            case IpProtocols.Tcp when TcpView.TryParse(transport, out var tcp):
                h = Mix(h, WalkTcp(tcp), tcp.ComputeChecksumV6(s, d), tcp.IsChecksumValidV6(s, d) ? 1UL : 0);
                break;
            case IpProtocols.Icmpv6 when Icmpv6View.TryParse(transport, out var icmp):
                h = Mix(h, icmp.Type, icmp.Code, icmp.Checksum, icmp.RestOfHeader, icmp.Identifier, icmp.SequenceNumber);
                h = Mix(h, icmp.IsEcho ? 1UL : 0, icmp.IsInformational ? 2UL : 0, (ulong)icmp.Payload.Length);
                h = Mix(h, icmp.ComputeChecksum(s, d), icmp.IsChecksumValid(s, d) ? 1UL : 0);
                break;
        }
        return h;
    }

    private static ulong WalkUdp(UdpView udp, int depth)
    {
        ulong h = Mix(udp.SourcePort, udp.DestinationPort, udp.Length, udp.Checksum, udp.HasChecksum ? 1UL : 0, (ulong)udp.Payload.Length);
        if (udp.DestinationPort == VxlanView.DefaultPort && VxlanView.TryParse(udp.Payload, out var vxlan))
        {
            h = Mix(h, vxlan.Header, vxlan.Flags, vxlan.HasIFlag ? 1UL : 0, vxlan.Vni, vxlan.ReservedBits, (ulong)vxlan.Payload.Length);
            if (depth < MaxDepth) h = Mix(h, WalkFrame(vxlan.Payload, depth + 1));
        }
        return h;
    }

    private static ulong WalkTcp(TcpView tcp)
    {
        ulong h = Mix(tcp.SourcePort, tcp.DestinationPort, tcp.SequenceNumber, tcp.AcknowledgmentNumber, (ulong)tcp.DataOffset);
        h = Mix(h, (ulong)tcp.HeaderLength, (ulong)tcp.Flags, tcp.Window, tcp.Checksum, tcp.UrgentPointer);
        return Mix(h, (ulong)tcp.Options.Length, (ulong)tcp.Payload.Length, tcp.HasFlags(TcpFlags.Syn | TcpFlags.Ack) ? 1UL : 0);
    }

    private static ulong Mix(ulong a, ulong b) => BitOperations.RotateLeft(a * 0x9E37_79B9_7F4A_7C15UL, 17) ^ b;

    private static ulong Mix(ulong a, ulong b, ulong c) => Mix(Mix(a, b), c);
    private static ulong Mix(ulong a, ulong b, ulong c, ulong d) => Mix(Mix(a, b, c), d);
    private static ulong Mix(ulong a, ulong b, ulong c, ulong d, ulong e) => Mix(Mix(a, b, c, d), e);
    private static ulong Mix(ulong a, ulong b, ulong c, ulong d, ulong e, ulong f) => Mix(Mix(a, b, c, d, e), f);
    private static ulong Mix(ulong a, ulong b, ulong c, ulong d, ulong e, ulong f, ulong g) => Mix(Mix(a, b, c, d, e, f), g);
    private static ulong Mix(ulong a, ulong b, ulong c, ulong d, ulong e, ulong f, ulong g, ulong i) => Mix(Mix(a, b, c, d, e, f, g), i);
}
