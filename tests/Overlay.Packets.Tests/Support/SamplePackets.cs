using System.Text;

namespace Overlay.Packets.Tests.Support;

/// <summary>Well-formed frames with correct lengths and checksums, built fresh on every call so a test
/// may mutate its copy. Shared by the oracle, fuzz and allocation tests.</summary>
internal static class SamplePackets
{
    public static readonly MacAddress OuterSource = MacAddress.Parse("52:54:00:12:34:56");
    public static readonly MacAddress OuterDestination = MacAddress.Parse("52:54:00:65:43:21");
    public static readonly MacAddress InnerSource = MacAddress.Parse("02:00:00:00:00:01");
    public static readonly MacAddress InnerDestination = MacAddress.Parse("02:00:00:00:00:02");
    public const uint OuterSourceV4 = 0xC612_0001;      // 198.18.0.1
    public const uint OuterDestinationV4 = 0xC612_0002; // 198.18.0.2
    public const uint InnerSourceV4 = 0xC613_010A;      // 198.19.1.10
    public const uint InnerDestinationV4 = 0xC613_0114; // 198.19.1.20
    public static readonly IpAddr OuterSourceV6 = IpAddr.Parse("fd00::1");
    public static readonly IpAddr OuterDestinationV6 = IpAddr.Parse("fd00::2");
    public static readonly IpAddr InnerSourceV6 = IpAddr.Parse("fd01::a");
    public static readonly IpAddr InnerDestinationV6 = IpAddr.Parse("fd01::b");
    public const uint Vni = 4242;
    public const uint VniV6 = 0xABCDEF;
    public const ushort VlanTci = (3 << 13) | 100;

    /// <summary>NOP, NOP, timestamp (kind 8, length 10).</summary>
    public static readonly byte[] TimestampOptions = [1, 1, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0x56, 0x78];
    /// <summary>MSS 1360 (kind 2, length 4), then window scale 7 (kind 3, length 3) and one NOP to align.</summary>
    public static readonly byte[] SynOptions = [2, 4, 0x05, 0x50, 1, 3, 3, 7];

    /// <summary>Ethernet + 802.1Q + IPv4 + UDP(4789) + VXLAN + Ethernet + IPv4 + TCP (PSH|ACK, options, data).</summary>
    public static byte[] VxlanOverIpv4()
    {
        byte[] innerTcp = PacketBuilder.Tcp(
            new TcpFields
            {
                SourcePort = 40000, DestinationPort = 80, SequenceNumber = 0x1234_5678, AcknowledgmentNumber = 0x9ABC_DEF0,
                Flags = TcpFlags.Psh | TcpFlags.Ack, Window = 502,
            },
            TimestampOptions,
            Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        byte[] innerIp = PacketBuilder.WithTransportChecksumV4(PacketBuilder.Ipv4(
            new Ipv4Fields { Identification = 0x4321, DontFragment = true, Ttl = 63, Protocol = IpProtocols.Tcp, Source = InnerSourceV4, Destination = InnerDestinationV4 },
            innerTcp));
        byte[] innerFrame = PacketBuilder.Ethernet(
            new EthernetFields { Destination = InnerDestination, Source = InnerSource, EtherType = EtherTypes.Ipv4 }, innerIp);
        byte[] outerIp = PacketBuilder.WithTransportChecksumV4(PacketBuilder.Ipv4(
            new Ipv4Fields { Tos = 0x02, Identification = 0x1234, DontFragment = true, Ttl = 64, Protocol = IpProtocols.Udp, Source = OuterSourceV4, Destination = OuterDestinationV4 },
            PacketBuilder.Udp(51234, VxlanView.DefaultPort, PacketBuilder.Vxlan(Vni, innerFrame))));
        return PacketBuilder.Ethernet(
            new EthernetFields
            {
                Destination = OuterDestination, Source = OuterSource, EtherType = EtherTypes.Ipv4,
                HasVlanTag = true, TagProtocol = EtherTypes.Vlan, VlanTci = VlanTci,
            },
            outerIp);
    }

    /// <summary>Ethernet + IPv6 + UDP(4789) + VXLAN + Ethernet + IPv6 + TCP SYN with options.</summary>
    public static byte[] VxlanOverIpv6()
    {
        byte[] innerTcp = PacketBuilder.Tcp(
            new TcpFields { SourcePort = 33000, DestinationPort = 443, SequenceNumber = 0xFEDC_BA98, Flags = TcpFlags.Syn, Window = 64800 },
            SynOptions,
            []);
        byte[] innerIp = PacketBuilder.WithTransportChecksumV6(PacketBuilder.Ipv6(
            new Ipv6Fields { NextHeader = IpProtocols.Tcp, HopLimit = 64, Source = InnerSourceV6, Destination = InnerDestinationV6 },
            innerTcp));
        byte[] innerFrame = PacketBuilder.Ethernet(
            new EthernetFields { Destination = InnerDestination, Source = InnerSource, EtherType = EtherTypes.Ipv6 }, innerIp);
        byte[] outerIp = PacketBuilder.WithTransportChecksumV6(PacketBuilder.Ipv6(
            new Ipv6Fields
            {
                TrafficClass = 0xB8, FlowLabel = 0x1_2345, NextHeader = IpProtocols.Udp, HopLimit = 255,
                Source = OuterSourceV6, Destination = OuterDestinationV6,
            },
            PacketBuilder.Udp(50000, VxlanView.DefaultPort, PacketBuilder.Vxlan(VniV6, innerFrame))));
        return PacketBuilder.Ethernet(
            new EthernetFields { Destination = OuterDestination, Source = OuterSource, EtherType = EtherTypes.Ipv6 }, outerIp);
    }

    /// <summary>A broadcast who-has for 198.19.1.20, padded to the 60-byte Ethernet minimum.</summary>
    public static byte[] ArpRequest() => PacketBuilder.Ethernet(
        new EthernetFields { Destination = MacAddress.Broadcast, Source = InnerSource, EtherType = EtherTypes.Arp },
        PacketBuilder.Arp(new ArpFields
        {
            Operation = ArpView.OperationRequest, SenderMac = InnerSource, SenderIp = InnerSourceV4,
            TargetMac = MacAddress.Zero, TargetIp = InnerDestinationV4,
        }),
        padToLength: 60);

    /// <summary>An ICMP echo request with 10 data bytes, so the frame carries Ethernet padding after the IP packet.</summary>
    public static byte[] IcmpEcho() => PacketBuilder.Ethernet(
        new EthernetFields { Destination = InnerDestination, Source = InnerSource, EtherType = EtherTypes.Ipv4 },
        PacketBuilder.WithTransportChecksumV4(PacketBuilder.Ipv4(
            new Ipv4Fields { Identification = 0xBEEF, Ttl = 64, Protocol = IpProtocols.Icmp, Source = InnerSourceV4, Destination = InnerDestinationV4 },
            PacketBuilder.Icmp(IcmpFields.Echo(IcmpView.TypeEchoRequest, 0x1234, 7), "0123456789"u8))),
        padToLength: 60);

    public static byte[] Icmpv6Echo() => PacketBuilder.Ethernet(
        new EthernetFields { Destination = InnerDestination, Source = InnerSource, EtherType = EtherTypes.Ipv6 },
        PacketBuilder.WithTransportChecksumV6(PacketBuilder.Ipv6(
            new Ipv6Fields { NextHeader = IpProtocols.Icmpv6, HopLimit = 64, Source = InnerSourceV6, Destination = InnerDestinationV6 },
            PacketBuilder.Icmp(IcmpFields.Echo(Icmpv6View.TypeEchoReply, 0xCAFE, 513), "abcdefghijklmnopqrstuvwxyz"u8))));

    /// <summary>IPv6 with hop-by-hop (PadN) and destination-options headers before a UDP datagram.</summary>
    public static byte[] Ipv6WithExtensionHeaders()
    {
        byte[] hopByHop = [IpProtocols.Ipv6DestinationOptions, 0, 1, 4, 0, 0, 0, 0];
        byte[] destinationOptions = [IpProtocols.Udp, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] udp = PacketBuilder.Udp(40001, 40002, "extension headers"u8);
        return PacketBuilder.Ethernet(
            new EthernetFields { Destination = InnerDestination, Source = InnerSource, EtherType = EtherTypes.Ipv6 },
            PacketBuilder.WithTransportChecksumV6(PacketBuilder.Ipv6(
                new Ipv6Fields { NextHeader = IpProtocols.Ipv6HopByHop, HopLimit = 1, Source = InnerSourceV6, Destination = InnerDestinationV6 },
                PacketBuilder.Concat(hopByHop, destinationOptions, udp))));
    }

    /// <summary>A non-first IPv4 fragment (offset 1480, more fragments) with a router-alert option.</summary>
    public static byte[] Ipv4FragmentWithOptions() => PacketBuilder.Ethernet(
        new EthernetFields { Destination = InnerDestination, Source = InnerSource, EtherType = EtherTypes.Ipv4 },
        PacketBuilder.Ipv4(
            new Ipv4Fields
            {
                Tos = 0x2E << 2, Identification = 0x7777, MoreFragments = true, FragmentOffset = 1480, Ttl = 1,
                Protocol = IpProtocols.Udp, Source = InnerSourceV4, Destination = InnerDestinationV4,
            },
            "twenty-four bytes of it!"u8,
            options: [0x94, 0x04, 0x00, 0x00]));

    /// <summary>Every sample, for tests that run over all of them.</summary>
    public static byte[][] All() =>
        [VxlanOverIpv4(), VxlanOverIpv6(), ArpRequest(), IcmpEcho(), Icmpv6Echo(), Ipv6WithExtensionHeaders(), Ipv4FragmentWithOptions()];
}
