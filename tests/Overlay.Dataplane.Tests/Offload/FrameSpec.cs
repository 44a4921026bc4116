using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>Everything <see cref="FrameBuilder"/> needs to write one TCP or UDP frame by hand.</summary>
public sealed record FrameSpec
{
    public bool V6 { get; init; }
    public bool Udp { get; init; }
    /// <summary>Adds one 802.1Q tag with this TCI (0 = untagged).</summary>
    public ushort VlanTci { get; init; }
    public int Payload { get; init; } = 1000;
    /// <summary>Where in the byte stream the payload starts: payload byte i is <see cref="FrameBuilder.PatternByte"/>(PatternOffset + i).</summary>
    public int PatternOffset { get; init; }
    public ushort SourcePort { get; init; } = 40000;
    public ushort DestinationPort { get; init; } = 5201;
    public uint Sequence { get; init; } = 0xFFFF_F000; // wraps within a 64 KB super-frame
    public uint Ack { get; init; } = 0x1234_5678;
    public TcpFlags Flags { get; init; } = TcpFlags.Ack;
    public ushort Window { get; init; } = 502;
    public ushort UrgentPointer { get; init; }
    public byte[] TcpOptions { get; init; } = [];
    public byte[] Ipv4Options { get; init; } = [];
    public ushort IpId { get; init; } = 0xFFF0; // wraps too
    public bool DontFragment { get; init; } = true;
    public bool MoreFragments { get; init; }
    public byte Ttl { get; init; } = 64;
    public byte Tos { get; init; }
    public uint FlowLabel { get; init; } = 0x12345;
    public uint SourceV4 { get; init; } = 0xC612_0001; // 198.18.0.1
    public uint DestinationV4 { get; init; } = 0xC612_0002;
    public string SourceV6 { get; init; } = "2001:2::1";
    public string DestinationV6 { get; init; } = "2001:2::2";
    public MacAddress Source { get; init; } = MacAddress.Parse("02:00:00:00:00:0a");
    public MacAddress Destination { get; init; } = MacAddress.Parse("02:00:00:00:00:0b");

    /// <summary>TCP timestamps (NOP, NOP, TS) as Linux sends them.</summary>
    public static byte[] Timestamps(uint value, uint echo) =>
    [
        1, 1, 8, 10,
        (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value,
        (byte)(echo >> 24), (byte)(echo >> 16), (byte)(echo >> 8), (byte)echo,
    ];

    public int L2Length => VlanTci != 0 ? 18 : 14;
    public int IpHeaderLength => V6 ? 40 : 20 + Ipv4Options.Length;
    public int L4HeaderLength => Udp ? 8 : 20 + TcpOptions.Length;
    public int HeaderLength => L2Length + IpHeaderLength + L4HeaderLength;
    public int FrameLength => HeaderLength + Payload;
}
