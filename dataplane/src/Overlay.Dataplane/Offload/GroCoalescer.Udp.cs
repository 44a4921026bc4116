using System.Buffers.Binary;

namespace Overlay.Dataplane.Offload;

// UDP's own merge rules, after the kernel's udp_gro_receive_segment and udp_gro_complete_segment. A UDP flow is its
// addresses and ports; it merges datagrams of the head's payload size, and a smaller one only as the last. The
// super-frame is a USO train (gso_type UDP_L4) that the kernel cuts back into the same datagrams
// (udp_rcv_segment) before they reach a socket, or forwards whole to a device that does USO.
public sealed partial class GroCoalescer
{
    private const int UdpLengthOffset = 4;

    /// <summary>UDP_GRO_CNT_MAX: a UDP super-frame ends at 64 datagrams, however small.</summary>
    internal const int UdpMaxSegments = 64;

    /// <summary>
    /// udp_gro_receive_segment's entry rules: a non-zero checksum ("for symmetry with GSO": a datagram sent without
    /// a checksum stays alone, and the kernel then delivers it unchecked over IPv4 and drops it over IPv6), and a
    /// UDP length equal to what the IP header leaves for it (no padding inside the IP packet).
    /// </summary>
    private static bool UdpHeaderMergeable(ReadOnlySpan<byte> frame, in FrameLayout layout)
    {
        ReadOnlySpan<byte> udp = frame.Slice(layout.TransportOffset);
        if (BinaryPrimitives.ReadUInt16BigEndian(udp.Slice(VirtioNetHeader.UdpChecksumOffset)) == 0) return false;
        return BinaryPrimitives.ReadUInt16BigEndian(udp.Slice(UdpLengthOffset)) == layout.PacketEnd - layout.TransportOffset;
    }

    /// <summary>udp_gro_complete: the UDP length covers the whole train.</summary>
    private static void WriteUdpLength(Span<byte> frame, in FrameLayout layout) =>
        BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(layout.TransportOffset + UdpLengthOffset), (ushort)(layout.PacketEnd - layout.TransportOffset));
}
