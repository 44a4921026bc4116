using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Packets;

namespace Overlay.Dataplane.Offload;

// The merge rules, after the kernel's inet_gro_receive / ipv6_gro_receive / tcp_gro_receive.
public sealed partial class GroCoalescer
{
    private const int V4TosOffset = 1;
    private const int V4IdOffset = 4;
    private const int V4FlagsOffset = 6;
    private const int V4TtlOffset = 8;
    private const int V4AddressesOffset = 12;
    private const int V6HopLimitOffset = 7;
    private const int V6AddressesOffset = 8;
    private const int TcpSequenceOffset = 4;
    private const int TcpAckOffset = 8;
    private const int TcpFlagWordOffset = 12;
    private const int TcpFlagsOffset = 13;

    private const byte V4DontFragment = 0x40;
    // Bits of TCP word 3 (data offset, flags, window) in host order.
    private const uint FlagWordCwr = 0x0080_0000;
    private const uint FlagWordPsh = 0x0008_0000;
    private const uint FlagWordFin = 0x0001_0000;
    private const int MaxIpLength = 65535;

    /// <summary>
    /// A TCP frame may take part in coalescing at all: IPv4 without options and not a fragment (inet_gro_receive),
    /// nothing after the IP packet (no Ethernet padding), a payload, a valid IPv4 header checksum and a valid TCP
    /// checksum (tcp4/6_gro_receive validate it; a bad one is passed on alone so the kernel drops it).
    /// </summary>
    private static bool IsMergeable(ReadOnlySpan<byte> frame, in FrameLayout layout)
    {
        if (layout.PacketEnd != frame.Length || layout.PayloadLength == 0) return false;
        if (!layout.IsV6)
        {
            if (layout.NetworkHeaderLength != Ipv4View.MinHeaderLength || layout.IsV4FragmentOrReserved) return false;
            if (!InternetChecksum.IsValid(frame.Slice(layout.NetworkOffset, Ipv4View.MinHeaderLength))) return false;
        }
        return L4Checksum.IsValid(frame, layout);
    }

    /// <summary>Same flow: identical Ethernet header (dev_gro_receive compares the MAC header), IP version,
    /// addresses, IPv6 flow label (ipv6_gro_receive), and ports (tcp_gro_lookup).</summary>
    private static bool SameFlow(ReadOnlySpan<byte> a, in FrameLayout la, ReadOnlySpan<byte> b, in FrameLayout lb)
    {
        if (la.IsV6 != lb.IsV6 || la.NetworkOffset != lb.NetworkOffset) return false;
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
    /// Appends <paramref name="segment"/> to <paramref name="flow"/> when the kernel would: no CWR on the segment;
    /// data offset, flags (except FIN/PSH) and window as the head's; the same ACK and options; IPv4 TTL, TOS and DF
    /// equal and the id the head's + segments so far (or, with DF, fixed from the second segment on); IPv6 traffic class
    /// and hop limit equal; the next sequence number; a payload no larger than the head's; and the result within 65535
    /// IP bytes and a large buffer. On success the segment's buffer is returned to the pool and
    /// <paramref name="closes"/> says the super-frame must leave now (a short segment, PSH or FIN).
    /// </summary>
    private bool TryMerge(ref GroFlow flow, ReadOnlySpan<byte> segment, in FrameLayout layout, int handle, out bool closes)
    {
        closes = false;
        Span<byte> head = _pool.Span(flow.Handle).Slice(flow.Offset, flow.Length);
        ref readonly FrameLayout headLayout = ref flow.Layout;
        int st = layout.TransportOffset;
        int ht = headLayout.TransportOffset;

        uint word = BinaryPrimitives.ReadUInt32BigEndian(segment.Slice(st + TcpFlagWordOffset));
        uint headWord = BinaryPrimitives.ReadUInt32BigEndian(head.Slice(ht + TcpFlagWordOffset));
        if ((word & FlagWordCwr) != 0) return false;
        if (((word ^ headWord) & ~(FlagWordCwr | FlagWordFin | FlagWordPsh)) != 0) return false;
        if (!segment.Slice(st + TcpAckOffset, 4).SequenceEqual(head.Slice(ht + TcpAckOffset, 4))) return false;
        if (!segment.Slice(st + TcpView.MinHeaderLength, layout.TransportHeaderLength - TcpView.MinHeaderLength)
                .SequenceEqual(head.Slice(ht + TcpView.MinHeaderLength, headLayout.TransportHeaderLength - TcpView.MinHeaderLength)))
            return false;

        bool fixedId = flow.FixedId;
        if (!NetworkMatches(segment, layout, head, headLayout, flow.Segments, ref fixedId)) return false;

        int payload = layout.PayloadLength;
        if (payload > flow.GsoSize) return false;
        if (Sequence(segment, layout) != flow.NextSequence) return false;
        if (flow.Length - headLayout.NetworkOffset + payload > MaxIpLength) return false;
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
        byte endFlags = (byte)(segment[st + TcpFlagsOffset] & (byte)(TcpFlags.Psh | TcpFlags.Fin));
        buffer[flow.Offset + ht + TcpFlagsOffset] |= endFlags;
        flow.Length += payload;
        flow.Layout.PacketEnd += payload;
        flow.NextSequence = unchecked(flow.NextSequence + (uint)payload);
        flow.Segments++;
        flow.FixedId = fixedId;
        _pool.Return(handle);
        closes = payload < flow.GsoSize || endFlags != 0;
        return true;
    }

    /// <summary>inet_gro_flush / ipv6_gro_receive: the IP fields that must agree between head and segment.</summary>
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

    /// <summary>tcp4/6_gro_complete and inet/ipv6_gro_complete: final IP lengths, IPv4 header checksum, and the
    /// pseudo-header sum in the TCP checksum field for CHECKSUM_PARTIAL.</summary>
    private static VirtioNetHeader FinishSuperFrame(Span<byte> frame, in GroFlow flow)
    {
        ref readonly FrameLayout layout = ref flow.Layout;
        Span<byte> ip = frame.Slice(layout.NetworkOffset, layout.NetworkHeaderLength);
        int ipLength = layout.PacketEnd - layout.NetworkOffset;
        byte gsoType;
        if (layout.IsV6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(4), (ushort)(ipLength - Ipv6View.HeaderLength));
            gsoType = VirtioNetHeader.GsoTcpV6;
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(2), (ushort)ipLength);
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(10), 0);
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(10), InternetChecksum.Compute(ip));
            gsoType = VirtioNetHeader.GsoTcpV4;
        }
        L4Checksum.StorePartial(frame, layout);
        if ((frame[layout.TransportOffset + TcpFlagsOffset] & (byte)TcpFlags.Cwr) != 0) gsoType |= VirtioNetHeader.GsoEcn;

        return new VirtioNetHeader(
            VirtioNetHeader.FlagNeedsChecksum,
            gsoType,
            (ushort)layout.PayloadOffset,
            (ushort)flow.GsoSize,
            (ushort)layout.TransportOffset,
            VirtioNetHeader.TcpChecksumOffset);
    }

    private static TcpFlags Flags(ReadOnlySpan<byte> frame, in FrameLayout layout) => (TcpFlags)frame[layout.TransportOffset + TcpFlagsOffset];

    private static uint Sequence(ReadOnlySpan<byte> frame, in FrameLayout layout) =>
        BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(layout.TransportOffset + TcpSequenceOffset));
}
