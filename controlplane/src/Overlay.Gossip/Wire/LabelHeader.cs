using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

/// <summary>memberlist's label header (memberlist >= 0.3, label.go): type 244, a length byte, then
/// 1..255 label bytes, in front of a packet (outside the encryption) and once at the start of a
/// stream. An empty label means no header at all. The receiver drops anything whose label (or lack
/// of one) is not its own; the label is also the AEAD additional data (see Security).</summary>
internal static class LabelHeader
{
    public const int MaxLabelLength = 255;

    /// <summary>Bytes the header adds for a label of this many bytes (0 for no label).</summary>
    public static int Overhead(int labelLength) => labelLength == 0 ? 0 : 2 + labelLength;

    /// <summary>Writes the header (nothing for an empty label). False if the label is too long or
    /// the destination too small.</summary>
    public static bool TryWrite(ReadOnlySpan<byte> label, Span<byte> destination, out int written)
    {
        written = 0;
        if (label.IsEmpty)
        {
            return true;
        }
        if (label.Length > MaxLabelLength || destination.Length < 2 + label.Length)
        {
            return false;
        }
        destination[0] = (byte)MessageType.HasLabel;
        destination[1] = (byte)label.Length;
        label.CopyTo(destination[2..]);
        written = 2 + label.Length;
        return true;
    }

    /// <summary>Splits off a label header if there is one (RemoveLabelHeaderFromPacket). A header
    /// with length 0, or shorter than its length, is <see cref="WireError.BadLabel"/>; on a stream
    /// the latter is <see cref="WireError.Truncated"/> (read more).</summary>
    public static WireError TrySplit(ReadOnlySpan<byte> buffer, out ReadOnlySpan<byte> label, out int headerLength, bool stream = false)
    {
        label = default;
        headerLength = 0;
        if (buffer.IsEmpty || buffer[0] != (byte)MessageType.HasLabel)
        {
            return WireError.None;
        }
        if (buffer.Length < 2)
        {
            return stream ? WireError.Truncated : WireError.BadLabel;
        }
        int size = buffer[1];
        if (size == 0)
        {
            return WireError.BadLabel;
        }
        if (buffer.Length < 2 + size)
        {
            return stream ? WireError.Truncated : WireError.BadLabel;
        }
        label = buffer.Slice(2, size);
        headerLength = 2 + size;
        return WireError.None;
    }

    /// <summary>memberlist's inbound rule: strip the header, then the label found must equal ours
    /// (both empty counts as equal). With <paramref name="skipInboundCheck"/> (memberlist's
    /// SkipInboundLabelCheck, for rolling a label out) a header is refused and ours is assumed.</summary>
    public static WireError TryAccept(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> ourLabel, bool skipInboundCheck, out ReadOnlySpan<byte> rest)
    {
        rest = default;
        WireError e = TrySplit(packet, out ReadOnlySpan<byte> label, out int headerLength);
        if (e != WireError.None)
        {
            return e;
        }
        if (skipInboundCheck)
        {
            if (headerLength != 0)
            {
                return WireError.LabelMismatch; // "unexpected double packet label header"
            }
        }
        else if (!label.SequenceEqual(ourLabel))
        {
            return WireError.LabelMismatch;
        }
        rest = packet[headerLength..];
        return WireError.None;
    }
}
