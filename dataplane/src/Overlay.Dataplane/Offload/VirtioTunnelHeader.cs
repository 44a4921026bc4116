using System.Buffers.Binary;

namespace Overlay.Dataplane.Offload;

/// <summary>
/// The 24-byte <c>struct virtio_net_hdr_v1_hash_tunnel</c> of a TAP whose header size is set to 24 and that
/// negotiated TUN_F_UDP_TUNNEL_GSO (Linux 6.18): the plain header (<see cref="VirtioNetHeader"/>, then num_buffers),
/// 8 bytes of hash report (unused here, zero), then the offsets of the outer UDP header and of the inner network
/// header, both counted from the first byte of the outer Ethernet frame. A UDP-tunnel super-frame carries
/// <see cref="GsoUdpTunnelV4"/> or <see cref="GsoUdpTunnelV6"/> (the outer family) on top of the inner GSO type, and
/// always NEEDS_CSUM with csum_start at the inner transport header.
/// </summary>
public readonly record struct VirtioTunnelHeader(VirtioNetHeader Plain, ushort OuterTransportOffset, ushort InnerNetworkOffset)
{
    public const int Size = 24;

    /// <summary>GSO type bit: the super-frame is inside a UDP tunnel over IPv4.</summary>
    public const byte GsoUdpTunnelV4 = 0x20;
    /// <summary>GSO type bit: the super-frame is inside a UDP tunnel over IPv6.</summary>
    public const byte GsoUdpTunnelV6 = 0x40;
    public const byte GsoUdpTunnelMask = GsoUdpTunnelV4 | GsoUdpTunnelV6;
    /// <summary>Flag: the outer UDP checksum is partial too (SKB_GSO_UDP_TUNNEL_CSUM).</summary>
    public const byte FlagUdpTunnelChecksum = 8;

    private const int OuterTransportAt = 20;
    private const int InnerNetworkAt = 22;

    public bool IsTunnelGso => (Plain.GsoType & GsoUdpTunnelMask) != 0;

    /// <summary>The inner GSO type: the plain type without the tunnel bits (ECN kept).</summary>
    public byte InnerGsoType => (byte)(Plain.GsoType & ~GsoUdpTunnelMask);

    public static VirtioTunnelHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) throw new ArgumentException($"a tunnel virtio header needs {Size} bytes, the span has {source.Length}");
        return new VirtioTunnelHeader(
            VirtioNetHeader.Read(source),
            BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(OuterTransportAt)),
            BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(InnerNetworkAt)));
    }

    /// <summary>Writes all 24 bytes (num_buffers and the hash report as zero).</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size) throw new ArgumentException($"a tunnel virtio header needs {Size} bytes, the span has {destination.Length}");
        Plain.Write(destination);
        destination.Slice(VirtioNetHeader.Size, OuterTransportAt - VirtioNetHeader.Size).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(OuterTransportAt), OuterTransportOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(InnerNetworkAt), InnerNetworkOffset);
    }
}
