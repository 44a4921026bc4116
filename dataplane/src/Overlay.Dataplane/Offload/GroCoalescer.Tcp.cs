using System.Buffers.Binary;
using Overlay.Packets;

namespace Overlay.Dataplane.Offload;

// TCP's own merge rules, after the kernel's tcp_gro_receive and tcp_gro_complete.
public sealed partial class GroCoalescer
{
    private const int TcpSequenceOffset = 4;
    private const int TcpAckOffset = 8;
    private const int TcpFlagWordOffset = 12;
    private const int TcpFlagsOffset = 13;

    // Bits of TCP word 3 (data offset, flags, window) in host order.
    private const uint FlagWordCwr = 0x0080_0000;
    private const uint FlagWordPsh = 0x0008_0000;
    private const uint FlagWordFin = 0x0001_0000;

    /// <summary>tcp_gro_receive's final check: a segment carrying any of these is never held for merging.</summary>
    private const TcpFlags FinalFlags = TcpFlags.Urg | TcpFlags.Psh | TcpFlags.Rst | TcpFlags.Syn | TcpFlags.Fin;

    /// <summary>No CWR on the segment; data offset, flags (except FIN/PSH) and window as the head's; the same ACK and
    /// options; and the next sequence number.</summary>
    private static bool TcpMatches(in GroFlow flow, ReadOnlySpan<byte> head, ReadOnlySpan<byte> segment, in FrameLayout layout)
    {
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
        return Sequence(segment, layout) == flow.NextSequence;
    }

    /// <summary>After the payload was appended: carries the segment's PSH and FIN over to the head and advances the
    /// expected sequence number. <paramref name="frame"/> starts at the head's Ethernet header. True when PSH or FIN
    /// ends the super-frame.</summary>
    private static bool AppendTcp(ref GroFlow flow, Span<byte> frame, ReadOnlySpan<byte> segment, in FrameLayout layout)
    {
        byte endFlags = (byte)(segment[layout.TransportOffset + TcpFlagsOffset] & (byte)(TcpFlags.Psh | TcpFlags.Fin));
        frame[flow.Layout.TransportOffset + TcpFlagsOffset] |= endFlags;
        flow.NextSequence = unchecked(flow.NextSequence + (uint)layout.PayloadLength);
        return endFlags != 0;
    }

    /// <summary>TCPV4 or TCPV6, with the ECN bit when the first segment carries CWR.</summary>
    private static byte TcpGsoType(ReadOnlySpan<byte> frame, in FrameLayout layout)
    {
        byte type = layout.IsV6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4;
        if ((frame[layout.TransportOffset + TcpFlagsOffset] & (byte)TcpFlags.Cwr) != 0) type |= VirtioNetHeader.GsoEcn;
        return type;
    }

    private static TcpFlags Flags(ReadOnlySpan<byte> frame, in FrameLayout layout) => (TcpFlags)frame[layout.TransportOffset + TcpFlagsOffset];

    private static uint Sequence(ReadOnlySpan<byte> frame, in FrameLayout layout) =>
        BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(layout.TransportOffset + TcpSequenceOffset));
}
