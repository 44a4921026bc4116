using Overlay.Packets;

namespace Overlay.Dataplane.Vxlan;

public enum DfMode : byte { Unset, Set, Inherit }

/// <summary>Encapsulation settings of a VTEP, the kernel VXLAN device's link options. Immutable.</summary>
public sealed record VxlanSettings
{
    public const ushort IanaPort = 4789;

    /// <summary>Our IPv4 VTEP address (outer source), or none.</summary>
    public IpAddr LocalV4 { get; init; }
    /// <summary>Our IPv6 VTEP address (outer source), or none.</summary>
    public IpAddr LocalV6 { get; init; }
    public ushort DestinationPort { get; init; } = IanaPort;
    /// <summary>Outer UDP source ports are a hash of the inner flow in [min, max] (the kernel's srcport MIN MAX).</summary>
    public ushort SourcePortMin { get; init; } = 49152;
    public ushort SourcePortMax { get; init; } = 65535;
    /// <summary>When above 0, flows hash onto this many source ports spread evenly over [min, max] instead of
    /// the whole range: one UDP socket per port can then carry them with UDP GSO.</summary>
    public int SourcePortCount { get; init; }
    /// <summary>The kernel writes the outer UDP checksum (UDP sockets with checksum offload): leave it 0.</summary>
    public bool ChecksumByKernel { get; init; }

    /// <summary>The distance between the ports of the source-port set.</summary>
    public int SourcePortStep => SourcePortCount > 0 ? Math.Max(1, (SourcePortMax - SourcePortMin + 1) / SourcePortCount) : 1;

    /// <summary>Outer TTL / hop limit; 0 = auto (64).</summary>
    public byte Ttl { get; init; }
    public bool TtlInherit { get; init; }
    /// <summary>Outer TOS / traffic class (ECN bits are always derived from the inner packet, RFC 6040).</summary>
    public byte Tos { get; init; }
    public bool TosInherit { get; init; }
    public DfMode Df { get; init; } = DfMode.Unset;
    /// <summary>IPv6 outer flow label (20 bits).</summary>
    public uint FlowLabel { get; init; }
    /// <summary>Compute the outer UDP checksum over IPv4 (the kernel's udpcsum; on by default).</summary>
    public bool UdpChecksumV4 { get; init; } = true;
    /// <summary>Send a zero UDP checksum over IPv6 (the kernel's udp6zerocsumtx).</summary>
    public bool ZeroChecksumTxV6 { get; init; }
    /// <summary>Header bits (besides the I flag and the VNI) tolerated on receive (the kernel's reserved_bits); 0 = drop any.</summary>
    public ulong ReservedBitsMask { get; init; }

    /// <summary>The underlay's MTU; an encapsulated packet larger than this is dropped (VXLAN never fragments). 0 = unchecked.</summary>
    public int UnderlayMtu { get; init; }

    public const int OuterV4Length = 20 + 8 + 8;
    public const int OuterV6Length = 40 + 8 + 8;
}
