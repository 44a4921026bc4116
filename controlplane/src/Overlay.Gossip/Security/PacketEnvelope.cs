using System.Buffers;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Security;

/// <summary>A UDP packet as memberlist sends it: [label header] ( encrypted( [CRC header] payload )
/// | [CRC header] payload ). The payload is one message, a compound or a compressed message. The
/// whole packet is encrypted with the label as additional data (memberlist >= 0.3; with no label
/// the additional data is empty, as in 0.2.x).</summary>
internal static class PacketEnvelope
{
    /// <summary>Bytes that <see cref="TrySeal"/> adds at most.</summary>
    public static int Overhead(GossipSecurityOptions options, bool crc) =>
        LabelHeader.Overhead(options.Label.Length)
        + (crc ? CrcHeader.Length : 0)
        + (options.EncryptionEnabled && options.VerifyOutgoing ? PayloadCipher.Overhead(EncryptionVersion.Unpadded) : 0);

    /// <summary>Builds the packet for <paramref name="payload"/>. <paramref name="crc"/>: the receiver
    /// speaks protocol 5 or later (memberlist: node.PMax >= 5).</summary>
    public static WireError TrySeal(ReadOnlySpan<byte> payload, GossipSecurityOptions options, bool crc, Span<byte> destination,
        out int written, NonceSource? nonceSource = null)
    {
        written = 0;
        if (!LabelHeader.TryWrite(options.Label.Span, destination, out int offset))
        {
            return options.Label.Length > LabelHeader.MaxLabelLength ? WireError.Unencodable : WireError.DestinationTooSmall;
        }
        int inner = payload.Length + (crc ? CrcHeader.Length : 0);
        if (!(options.EncryptionEnabled && options.VerifyOutgoing))
        {
            if (destination.Length - offset < inner)
            {
                return WireError.DestinationTooSmall;
            }
            if (crc)
            {
                CrcHeader.TryWrite(payload, destination[offset..]);
                offset += CrcHeader.Length;
            }
            payload.CopyTo(destination[offset..]);
            written = offset + payload.Length;
            return WireError.None;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(inner);
        try
        {
            Span<byte> plain = rented.AsSpan(0, inner);
            if (crc)
            {
                CrcHeader.TryWrite(payload, plain);
            }
            payload.CopyTo(plain[(crc ? CrcHeader.Length : 0)..]);
            WireError e = PayloadCipher.TryEncrypt(options.Keyring!.Current.Primary, plain, options.Label.Span,
                destination[offset..], out int sealedLength, nonceSource);
            written = e == WireError.None ? offset + sealedLength : 0;
            return e;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static byte[] Seal(ReadOnlySpan<byte> payload, GossipSecurityOptions options, bool crc, NonceSource? nonceSource = null)
    {
        var buffer = new byte[payload.Length + Overhead(options, crc)];
        WireError e = TrySeal(payload, options, crc, buffer, out int written, nonceSource);
        return e == WireError.None ? buffer.AsSpan(0, written).ToArray() : throw new ArgumentException($"cannot seal the packet: {e}", nameof(payload));
    }

    /// <summary>memberlist's ingestPacket up to handleCommand: check the label, decrypt, check the
    /// CRC. <paramref name="scratch"/> (at least the packet's length) receives the plaintext of an
    /// encrypted packet; <paramref name="payload"/> points into it or into <paramref name="packet"/>.
    /// Next: <see cref="MessageWalker"/>.</summary>
    public static WireError TryOpen(ReadOnlySpan<byte> packet, GossipSecurityOptions options, Span<byte> scratch, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        WireError e = LabelHeader.TryAccept(packet, options.Label.Span, options.SkipInboundLabelCheck, out ReadOnlySpan<byte> rest);
        if (e != WireError.None)
        {
            return e;
        }
        if (options.EncryptionEnabled)
        {
            e = PayloadCipher.TryDecrypt(options.Keyring!.Current, rest, options.Label.Span, scratch, out int plainLength);
            if (e == WireError.None)
            {
                rest = scratch[..plainLength];
            }
            else if (options.VerifyIncoming)
            {
                return e;
            }
            // else: memberlist treats a packet it cannot decrypt as plaintext
        }
        e = CrcHeader.TryStrip(rest, out rest);
        if (e != WireError.None)
        {
            return e;
        }
        if (rest.IsEmpty)
        {
            return WireError.Empty;
        }
        payload = rest;
        return WireError.None;
    }
}
