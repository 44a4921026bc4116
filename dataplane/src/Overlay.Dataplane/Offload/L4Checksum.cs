using System.Buffers.Binary;
using Overlay.Packets;

namespace Overlay.Dataplane.Offload;

/// <summary>TCP/UDP checksums over a parsed frame, pseudo-header included (RFC 793, RFC 768, RFC 8200 §8.1).</summary>
internal static class L4Checksum
{
    private const int V4SourceOffset = 12;
    private const int V6SourceOffset = 8;

    /// <summary>The pseudo-header sum for an L4 segment of <paramref name="l4Length"/> bytes.</summary>
    public static ulong PseudoHeader(ReadOnlySpan<byte> frame, in FrameLayout layout, int l4Length)
    {
        ReadOnlySpan<byte> ip = frame.Slice(layout.NetworkOffset);
        if (!layout.IsV6)
        {
            return InternetChecksum.PseudoHeaderV4(
                BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(V4SourceOffset)),
                BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(V4SourceOffset + 4)),
                layout.Protocol,
                l4Length);
        }
        return InternetChecksum.PseudoHeaderV6(ip.Slice(V6SourceOffset, 16), ip.Slice(V6SourceOffset + 16, 16), layout.Protocol, l4Length);
    }

    public static int FieldOffset(in FrameLayout layout) =>
        layout.TransportOffset + (layout.IsTcp ? VirtioNetHeader.TcpChecksumOffset : VirtioNetHeader.UdpChecksumOffset);

    /// <summary>Computes the full checksum of the L4 segment (as if its checksum field were zero) and stores it.
    /// A UDP result of 0 is stored as 0xFFFF (0 means "no checksum").</summary>
    public static void Store(Span<byte> frame, in FrameLayout layout)
    {
        int l4Length = layout.PacketEnd - layout.TransportOffset;
        int field = FieldOffset(layout);
        ulong sum = PseudoHeader(frame, layout, l4Length);
        sum = InternetChecksum.Add(frame.Slice(layout.TransportOffset, field - layout.TransportOffset), sum);
        sum = InternetChecksum.Add(frame.Slice(field + 2, layout.PacketEnd - field - 2), sum);
        ushort checksum = InternetChecksum.Finish(sum);
        if (checksum == 0 && !layout.IsTcp) checksum = 0xFFFF;
        BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(field), checksum);
    }

    /// <summary>Stores the pseudo-header sum, folded and not complemented: what CHECKSUM_PARTIAL expects in the field.</summary>
    public static void StorePartial(Span<byte> frame, in FrameLayout layout)
    {
        int l4Length = layout.PacketEnd - layout.TransportOffset;
        ushort partial = InternetChecksum.FoldToUInt16(PseudoHeader(frame, layout, l4Length));
        BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(FieldOffset(layout)), partial);
    }

    /// <summary>True when the L4 checksum, field included, sums to all ones with the pseudo-header.</summary>
    public static bool IsValid(ReadOnlySpan<byte> frame, in FrameLayout layout)
    {
        int l4Length = layout.PacketEnd - layout.TransportOffset;
        return InternetChecksum.IsValid(frame.Slice(layout.TransportOffset, l4Length), PseudoHeader(frame, layout, l4Length));
    }
}
