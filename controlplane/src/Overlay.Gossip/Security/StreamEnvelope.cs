using System.Buffers.Binary;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Security;

/// <summary>A stream (TCP) connection as memberlist uses it: the label header once at the start,
/// then per message either the plaintext message (see <see cref="StreamCodec"/>) or
/// [type 10][length:uint32 BE][encrypted payload], whose additional data is those 5 bytes followed
/// by the label. Inside either, memberlist (EnableCompression, the default) sends a compressed message.</summary>
internal static class StreamEnvelope
{
    public const int EncryptHeaderLength = 5;

    /// <summary>The label header the dialling side writes first (empty when there is no label).</summary>
    public static byte[] LabelPrefix(GossipSecurityOptions options)
    {
        var header = new byte[LabelHeader.Overhead(options.Label.Length)];
        return LabelHeader.TryWrite(options.Label.Span, header, out _) ? header : throw new ArgumentException("label longer than 255 bytes", nameof(options));
    }

    /// <summary>The accepting side's check of the stream's first bytes (RemoveLabelHeaderFromStream
    /// plus the label comparison). <see cref="WireError.Truncated"/>: read more. On success skip
    /// <paramref name="consumed"/> bytes.</summary>
    public static WireError TryAcceptLabel(ReadOnlySpan<byte> buffered, GossipSecurityOptions options, out int consumed)
    {
        consumed = 0;
        if (buffered.IsEmpty)
        {
            return WireError.Truncated;
        }
        WireError e = LabelHeader.TrySplit(buffered, out ReadOnlySpan<byte> label, out int headerLength, stream: true);
        if (e != WireError.None)
        {
            return e;
        }
        if (options.SkipInboundLabelCheck)
        {
            if (headerLength != 0)
            {
                return WireError.LabelMismatch;
            }
        }
        else if (!label.SequenceEqual(options.Label.Span))
        {
            return WireError.LabelMismatch;
        }
        consumed = headerLength;
        return WireError.None;
    }

    /// <summary>One outgoing stream message (memberlist's rawSendMsgStream): compressed when
    /// <paramref name="compress"/>, then encrypted when a keyring is set and VerifyOutgoing.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> message, GossipSecurityOptions options, bool compress = false, NonceSource? nonceSource = null)
    {
        byte[]? compressed = compress ? CompressedMessage.Encode(message) : null;
        ReadOnlySpan<byte> plain = compressed ?? message;
        if (!(options.EncryptionEnabled && options.VerifyOutgoing))
        {
            return plain.ToArray();
        }
        int sealedLength = PayloadCipher.EncryptedLength(EncryptionVersion.Unpadded, plain.Length);
        var output = new byte[EncryptHeaderLength + sealedLength];
        output[0] = (byte)MessageType.Encrypt;
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(1), (uint)sealedLength);
        Span<byte> aad = AssociatedData(output.AsSpan(0, EncryptHeaderLength), options.Label.Span, stackalloc byte[EncryptHeaderLength + LabelHeader.MaxLabelLength]);
        WireError e = PayloadCipher.TryEncrypt(options.Keyring!.Current.Primary, plain, aad, output.AsSpan(EncryptHeaderLength), out _, nonceSource);
        return e == WireError.None ? output : throw new InvalidOperationException($"stream encryption failed: {e}");
    }

    /// <summary>Reads one message from the bytes buffered after the label (memberlist's readStream).
    /// <see cref="WireError.Truncated"/>: read more and call again. On success the caller drops
    /// <paramref name="consumed"/> bytes; <paramref name="message"/> is as from <see cref="StreamCodec.TryDecode"/>.</summary>
    public static WireError TryOpen(ReadOnlySpan<byte> buffered, GossipSecurityOptions options, in StreamLimits limits,
        out int consumed, out DecodedMessage message)
    {
        consumed = 0;
        message = default;
        if (buffered.IsEmpty)
        {
            return WireError.Truncated;
        }
        if (buffered[0] != (byte)MessageType.Encrypt)
        {
            if (options.EncryptionEnabled && options.VerifyIncoming)
            {
                return WireError.NotEncrypted;
            }
            return StreamCodec.TryDecode(buffered, limits, out consumed, out message);
        }
        if (!options.EncryptionEnabled)
        {
            return WireError.EncryptionNotConfigured;
        }
        if (buffered.Length < EncryptHeaderLength)
        {
            return WireError.Truncated;
        }
        uint length = BinaryPrimitives.ReadUInt32BigEndian(buffered[1..]);
        if (length > (uint)limits.MaxMessageBytes)
        {
            return WireError.TooLarge;
        }
        if (buffered.Length - EncryptHeaderLength < length)
        {
            return WireError.Truncated;
        }
        Span<byte> aad = AssociatedData(buffered[..EncryptHeaderLength], options.Label.Span, stackalloc byte[EncryptHeaderLength + LabelHeader.MaxLabelLength]);
        WireError e = PayloadCipher.TryDecrypt(options.Keyring!.Current, buffered.Slice(EncryptHeaderLength, (int)length), aad, out byte[] plain);
        if (e != WireError.None)
        {
            return e;
        }
        if (plain.Length > 0 && plain[0] == (byte)MessageType.Encrypt)
        {
            return WireError.NestingTooDeep;
        }
        e = StreamCodec.TryDecodeComplete(plain, limits, out message);
        if (e == WireError.None)
        {
            consumed = EncryptHeaderLength + (int)length;
        }
        return e;
    }

    private static Span<byte> AssociatedData(ReadOnlySpan<byte> header, ReadOnlySpan<byte> label, Span<byte> buffer)
    {
        int labelLength = Math.Min(label.Length, LabelHeader.MaxLabelLength);
        header.CopyTo(buffer);
        label[..labelLength].CopyTo(buffer[EncryptHeaderLength..]);
        return buffer[..(EncryptHeaderLength + labelLength)];
    }
}
