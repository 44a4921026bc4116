using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Packets;

namespace Overlay.Dataplane.Offload;

// The rules TCP and UDP share, after the kernel's dev_gro_receive, inet_gro_receive / ipv6_gro_receive and
// skb_gro_receive; the protocol's own are in GroCoalescer.Tcp.cs and GroCoalescer.Udp.cs.
public sealed partial class GroCoalescer
{
    private const int V4TotalLengthOffset = 2;
    private const int V4TosOffset = 1;
    private const int V4IdOffset = 4;
    private const int V4FlagsOffset = 6;
    private const int V4TtlOffset = 8;
    private const int V4ChecksumOffset = 10;
    private const int V4AddressesOffset = 12;
    private const int V6PayloadLengthOffset = 4;
    private const int V6HopLimitOffset = 7;
    private const int V6AddressesOffset = 8;

    private const byte V4DontFragment = 0x40;
    /// <summary>skb_gro_receive refuses to grow a non-TCP packet to GRO_LEGACY_MAX_SIZE (65536) bytes of IP.</summary>
    private const int MaxIpLength = 65535;

    /// <summary>
    /// A frame may take part in coalescing at all: IPv4 without options and not a fragment, with a valid header
    /// checksum (inet_gro_receive); nothing after the IP packet (no Ethernet padding); a payload; the protocol's own
    /// header rules (<see cref="UdpHeaderMergeable"/>); and a valid L4 checksum (tcp4/6_gro_receive and
    /// udp4/6_gro_receive validate it; a bad one is passed on alone, without NEEDS_CSUM, so the kernel drops it).
    /// </summary>
    private static bool IsMergeable(ReadOnlySpan<byte> frame, in FrameLayout layout)
    {
        if (layout.PacketEnd != frame.Length || layout.PayloadLength == 0) return false;
        if (!layout.IsV6)
        {
            if (layout.NetworkHeaderLength != Ipv4View.MinHeaderLength || layout.IsV4FragmentOrReserved) return false;
            if (!InternetChecksum.IsValid(frame.Slice(layout.NetworkOffset, Ipv4View.MinHeaderLength))) return false;
        }
        if (!layout.IsTcp && !UdpHeaderMergeable(frame, layout)) return false;
        return L4Checksum.IsValid(frame, layout);
    }

    /// <summary>Same flow: identical Ethernet header (dev_gro_receive compares the MAC header), IP version, protocol,
    /// addresses, IPv6 flow label (inet/ipv6_gro_receive), and ports (tcp_gro_lookup, udp_gro_receive_segment).</summary>
    private static bool SameFlow(ReadOnlySpan<byte> a, in FrameLayout la, ReadOnlySpan<byte> b, in FrameLayout lb)
    {
        if (la.IsV6 != lb.IsV6 || la.Protocol != lb.Protocol || la.NetworkOffset != lb.NetworkOffset) return false;
        if (BinaryPrimitives.ReadUInt32BigEndian(a.Slice(la.TransportOffset)) != BinaryPrimitives.ReadUInt32BigEndian(b.Slice(lb.TransportOffset)))
            return false;
        if (!a.Slice(0, la.NetworkOffset).SequenceEqual(b.Slice(0, lb.NetworkOffset))) return false;
        int n = la.NetworkOffset;
        if (!la.IsV6) return a.Slice(n + V4AddressesOffset, 8).SequenceEqual(b.Slice(n + V4AddressesOffset, 8));
        uint flowA = BinaryPrimitives.ReadUInt32BigEndian(a.Slice(n)) & Ipv6View.MaxFlowLabel;
        uint flowB = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(n)) & Ipv6View.MaxFlowLabel;
        return flowA == flowB && a.Slice(n + V6AddressesOffset, 32).SequenceEqual(b.Slice(n + V6AddressesOffset, 32));
    }

    /// <summary>
    /// Appends <paramref name="segment"/> to <paramref name="flow"/> when the kernel would: the IP fields agree
    /// (<see cref="NetworkMatches"/>); the payload is no larger than the head's; the protocol's rules hold (TCP:
    /// <see cref="TcpMatches"/>; UDP: the ports, already matched); and the result stays within 65535 IP bytes and a
    /// large buffer. On success the segment's buffer is returned to the pool and <paramref name="closes"/> says the
    /// super-frame must leave now: a short segment, TCP PSH or FIN, or the 64th UDP datagram.
    /// </summary>
    private bool TryMerge(ref GroFlow flow, ReadOnlySpan<byte> segment, in FrameLayout layout, int handle, out bool closes)
    {
        closes = false;
        ReadOnlySpan<byte> head = _pool.Span(flow.Handle).Slice(flow.Offset, flow.Length);
        bool fixedId = flow.FixedId;
        if (!NetworkMatches(segment, layout, head, flow.Layout, flow.Segments, ref fixedId)) return false;
        int payload = layout.PayloadLength;
        if (payload > flow.GsoSize) return false;
        if (layout.IsTcp && !TcpMatches(flow, head, segment, layout)) return false;
        if (flow.Length - flow.Layout.NetworkOffset + payload > MaxIpLength) return false;
        if (flow.Length + payload > _pool.LargeFrameCapacity) return false;

        if (flow.Segments == 1)
        {
            // Second segment: move the head into a large buffer. No large buffer left: no merge.
            if (!_pool.TryRentLarge(out int large)) return false;
            head.CopyTo(_pool.Span(large).Slice(PacketBufferPool.Headroom));
            _pool.Return(flow.Handle);
            flow.Handle = large;
            flow.Offset = PacketBufferPool.Headroom;
        }

        Span<byte> buffer = _pool.Span(flow.Handle);
        segment.Slice(layout.PayloadOffset, payload).CopyTo(buffer.Slice(flow.Offset + flow.Length));
        closes = payload < flow.GsoSize;
        if (layout.IsTcp) closes |= AppendTcp(ref flow, buffer.Slice(flow.Offset), segment, layout);
        flow.Length += payload;
        flow.Layout.PacketEnd += payload;
        flow.Segments++;
        flow.FixedId = fixedId;
        if (!layout.IsTcp) closes |= flow.Segments == UdpMaxSegments;
        _pool.Return(handle);
        return true;
    }

    /// <summary>inet_gro_flush / ipv6_gro_flush: the IP fields that must agree between head and segment. IPv4: TTL,
    /// TOS and DF equal, and the id the head's + segments so far, or, when the second segment repeated the head's id
    /// with DF set, the head's id on every segment (ip_fixedid). IPv6: traffic class and hop limit equal.</summary>
    private static bool NetworkMatches(ReadOnlySpan<byte> segment, in FrameLayout layout, ReadOnlySpan<byte> head,
        in FrameLayout headLayout, int segments, ref bool fixedId)
    {
        ReadOnlySpan<byte> ip = segment.Slice(layout.NetworkOffset);
        ReadOnlySpan<byte> headIp = head.Slice(headLayout.NetworkOffset);
        if (layout.IsV6)
        {
            // Traffic class: bits 4..11 of the first word. The flow label already matched in SameFlow.
            uint classes = (BinaryPrimitives.ReadUInt32BigEndian(ip) ^ BinaryPrimitives.ReadUInt32BigEndian(headIp)) & 0x0FF0_0000;
            return classes == 0 && ip[V6HopLimitOffset] == headIp[V6HopLimitOffset];
        }

        if (ip[V4TtlOffset] != headIp[V4TtlOffset] || ip[V4TosOffset] != headIp[V4TosOffset]) return false;
        bool df = (ip[V4FlagsOffset] & V4DontFragment) != 0;
        if (df != ((headIp[V4FlagsOffset] & V4DontFragment) != 0)) return false;
        ushort delta = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(V4IdOffset)) - BinaryPrimitives.ReadUInt16BigEndian(headIp.Slice(V4IdOffset)));
        if (segments == 1 && df && delta == 0) fixedId = true;
        return fixedId ? delta == 0 : delta == (ushort)segments;
    }

    /// <summary>inet/ipv6_gro_complete with tcp4/6_gro_complete or udp4/6_gro_complete: final IP lengths, the IPv4
    /// header checksum, the UDP length, and the pseudo-header sum in the L4 checksum field for CHECKSUM_PARTIAL.</summary>
    private static VirtioNetHeader FinishSuperFrame(Span<byte> frame, in GroFlow flow)
    {
        ref readonly FrameLayout layout = ref flow.Layout;
        Span<byte> ip = frame.Slice(layout.NetworkOffset, layout.NetworkHeaderLength);
        int ipLength = layout.PacketEnd - layout.NetworkOffset;
        if (layout.IsV6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(V6PayloadLengthOffset), (ushort)(ipLength - Ipv6View.HeaderLength));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(V4TotalLengthOffset), (ushort)ipLength);
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(V4ChecksumOffset), 0);
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(V4ChecksumOffset), InternetChecksum.Compute(ip));
        }
        if (!layout.IsTcp) WriteUdpLength(frame, layout);
        L4Checksum.StorePartial(frame, layout);

        return new VirtioNetHeader(
            VirtioNetHeader.FlagNeedsChecksum,
            layout.IsTcp ? TcpGsoType(frame, layout) : VirtioNetHeader.GsoUdpL4,
            (ushort)layout.PayloadOffset,
            (ushort)flow.GsoSize,
            (ushort)layout.TransportOffset,
            layout.IsTcp ? VirtioNetHeader.TcpChecksumOffset : VirtioNetHeader.UdpChecksumOffset);
    }
}
