using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Packets;

namespace Overlay.Dataplane.Offload;

/// <summary>
/// Software GSO for frames read from a TAP with <c>IFF_VNET_HDR</c>: splits a TCP (TSO) or UDP (USO) super-frame into
/// MTU-sized Ethernet frames, following the kernel's <c>tcp_gso_segment</c> / <c>__udp_gso_segment</c>:
/// the headers are copied per segment; IPv4 total length, id (+1 per segment) and header checksum, or the IPv6 payload
/// length, are rewritten; TCP sequence numbers advance by gso_size, FIN and PSH stay only on the last segment and CWR
/// only on the first (URG and the urgent pointer are copied as they are, as the kernel does); each UDP segment is a
/// datagram of its own. Every segment gets its full L4 checksum, pseudo-header included. hdr_len is never trusted.
/// One per worker; holds no per-frame state and allocates nothing.
/// </summary>
public sealed class GsoSegmenter
{
    private const int V4TotalLengthOffset = 2;
    private const int V4IdOffset = 4;
    private const int V4ChecksumOffset = 10;
    private const int V6PayloadLengthOffset = 4;
    private const int TcpSequenceOffset = 4;
    private const int TcpFlagsOffset = 13;
    private const int UdpLengthOffset = 4;

    private readonly PacketBufferPool _pool;

    public GsoSegmenter(PacketBufferPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
    }

    /// <summary>
    /// Splits <paramref name="superFrame"/> (borrowed, left unchanged; the Ethernet frame without the virtio header)
    /// as <paramref name="header"/> says. On Ok each segment is in its own rented small buffer at offset
    /// <see cref="PacketBufferPool.Headroom"/>, appended to <paramref name="output"/>, which owns them. On any other
    /// status nothing is appended and no buffer stays rented. Never throws for bad input.
    /// </summary>
    public GsoResult Segment(Span<byte> superFrame, in VirtioNetHeader header, PacketBatch output)
    {
        GsoStatus status = Validate(superFrame, header, out FrameLayout layout);
        if (status != GsoStatus.Ok) return GsoResult.Fail(status);

        int gsoSize = header.GsoSize;
        int payload = layout.PayloadLength;
        int count = (payload + gsoSize - 1) / gsoSize;
        if (layout.PayloadOffset + Math.Min(gsoSize, payload) > _pool.SmallFrameCapacity) return GsoResult.Fail(GsoStatus.Unsupported);
        if (output.Free < count) return GsoResult.Fail(GsoStatus.BatchFull);
        if (_pool.Available < count) return GsoResult.Fail(GsoStatus.NoBuffer);

        int first = output.Count;
        ReadOnlySpan<byte> headers = superFrame.Slice(0, layout.PayloadOffset);
        int network = layout.NetworkOffset;
        int transport = layout.TransportOffset;
        ushort firstId = layout.IsV6 ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(superFrame.Slice(network + V4IdOffset));
        uint firstSequence = layout.IsTcp ? BinaryPrimitives.ReadUInt32BigEndian(superFrame.Slice(transport + TcpSequenceOffset)) : 0;
        byte flags = layout.IsTcp ? superFrame[transport + TcpFlagsOffset] : (byte)0;

        for (int i = 0; i < count; i++)
        {
            if (!_pool.TryRent(out int handle))
            {
                Rollback(output, first);
                return GsoResult.Fail(GsoStatus.NoBuffer);
            }
            int offset = i * gsoSize;
            int chunk = Math.Min(gsoSize, payload - offset);
            Span<byte> segment = _pool.Span(handle).Slice(PacketBufferPool.Headroom, layout.PayloadOffset + chunk);
            headers.CopyTo(segment);
            superFrame.Slice(layout.PayloadOffset + offset, chunk).CopyTo(segment.Slice(layout.PayloadOffset));

            FrameLayout segmentLayout = layout;
            segmentLayout.PacketEnd = segment.Length;
            WriteNetworkHeader(segment, segmentLayout, (ushort)(firstId + i));
            if (layout.IsTcp)
            {
                BinaryPrimitives.WriteUInt32BigEndian(segment.Slice(transport + TcpSequenceOffset), unchecked(firstSequence + (uint)offset));
                segment[transport + TcpFlagsOffset] = SegmentFlags(flags, i, count);
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(segment.Slice(transport + UdpLengthOffset), (ushort)(segment.Length - transport));
            }
            L4Checksum.Store(segment, segmentLayout);
            output.Add(handle, PacketBufferPool.Headroom, segment.Length);
        }
        return new GsoResult(GsoStatus.Ok, count);
    }

    /// <summary>
    /// For a frame read with gso_type NONE and NEEDS_CSUM: folds the one's-complement sum from csum_start to the end
    /// of <paramref name="frame"/> (the field holds the pseudo-header seed) into the field at csum_start + csum_offset,
    /// as the kernel's <c>skb_checksum_help</c> does (a result of 0 is stored as 0xFFFF). <paramref name="frame"/> must
    /// be exactly the frame the TAP returned. Ok without change when NEEDS_CSUM is clear.
    /// </summary>
    public static GsoStatus CompleteChecksum(Span<byte> frame, in VirtioNetHeader header)
    {
        if (!header.NeedsChecksum) return GsoStatus.Ok;
        int start = header.ChecksumStart;
        int field = start + header.ChecksumOffset;
        if (start < EthernetView.UntaggedHeaderLength || field + 2 > frame.Length) return GsoStatus.Malformed;
        ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(frame.Slice(start)));
        BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(field), checksum == 0 ? (ushort)0xFFFF : checksum);
        return GsoStatus.Ok;
    }

    private static GsoStatus Validate(Span<byte> frame, in VirtioNetHeader header, out FrameLayout layout)
    {
        layout = default;
        byte kind = header.GsoKind;
        bool ecn = (header.GsoType & VirtioNetHeader.GsoEcn) != 0;
        if (kind == VirtioNetHeader.GsoNone) return ecn ? GsoStatus.Malformed : GsoStatus.NotGso;
        if (kind is not (VirtioNetHeader.GsoTcpV4 or VirtioNetHeader.GsoTcpV6 or VirtioNetHeader.GsoUdpL4)) return GsoStatus.Unsupported;
        if (ecn && kind == VirtioNetHeader.GsoUdpL4) return GsoStatus.Malformed;
        if (header.GsoSize == 0) return GsoStatus.Malformed;

        switch (FrameLayout.TryParse(frame, out layout))
        {
            case FrameParse.Ok: break;
            case FrameParse.Malformed: return GsoStatus.Malformed;
            default: return GsoStatus.Unsupported;
        }

        bool matches = kind switch
        {
            VirtioNetHeader.GsoTcpV4 => !layout.IsV6 && layout.IsTcp,
            VirtioNetHeader.GsoTcpV6 => layout.IsV6 && layout.IsTcp,
            _ => !layout.IsTcp,
        };
        if (!matches || layout.IsV4FragmentOrReserved || layout.PayloadLength <= 0) return GsoStatus.Malformed;
        if (header.NeedsChecksum
            && (header.ChecksumStart != layout.TransportOffset
                || header.ChecksumOffset != (layout.IsTcp ? VirtioNetHeader.TcpChecksumOffset : VirtioNetHeader.UdpChecksumOffset)))
        {
            return GsoStatus.Malformed;
        }
        return GsoStatus.Ok;
    }

    private static void WriteNetworkHeader(Span<byte> segment, in FrameLayout layout, ushort id)
    {
        Span<byte> ip = segment.Slice(layout.NetworkOffset, layout.NetworkHeaderLength);
        int ipLength = layout.PacketEnd - layout.NetworkOffset;
        if (layout.IsV6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(V6PayloadLengthOffset), (ushort)(ipLength - Ipv6View.HeaderLength));
            return;
        }
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(V4TotalLengthOffset), (ushort)ipLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(V4IdOffset), id);
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(V4ChecksumOffset), 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(V4ChecksumOffset), InternetChecksum.Compute(ip));
    }

    /// <summary>tcp_gso_segment: FIN and PSH only on the last segment, CWR only on the first.</summary>
    private static byte SegmentFlags(byte flags, int index, int count)
    {
        var f = (TcpFlags)flags;
        if (index != count - 1) f &= ~(TcpFlags.Fin | TcpFlags.Psh);
        if (index != 0) f &= ~TcpFlags.Cwr;
        return (byte)f;
    }

    private void Rollback(PacketBatch output, int first)
    {
        for (int i = first; i < output.Count; i++) _pool.Return(output.Handles[i]);
        output.Count = first;
    }
}
