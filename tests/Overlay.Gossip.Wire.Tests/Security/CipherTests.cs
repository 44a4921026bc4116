using System.Buffers.Binary;
using System.Security.Cryptography;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Security;

public sealed class CipherTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Version_1_layout_is_version_nonce_ciphertext_tag()
    {
        byte[] plain = "hello"u8.ToArray();
        byte[] sealedBytes = PayloadCipher.Encrypt(Key, plain, "aad"u8, n => n.Fill(7));
        Assert.Equal(1 + 12 + plain.Length + 16, sealedBytes.Length);
        Assert.Equal(PayloadCipher.EncryptedLength(EncryptionVersion.Unpadded, plain.Length), sealedBytes.Length);
        Assert.Equal(1, sealedBytes[0]);
        Assert.All(sealedBytes[1..13], b => Assert.Equal(7, b));

        // Independent check with AesGcm directly.
        var check = new byte[plain.Length];
        using var aes = new AesGcm(Key, 16);
        aes.Decrypt(sealedBytes[1..13], sealedBytes[13..^16], sealedBytes[^16..], check, "aad"u8);
        Assert.Equal(plain, check);

        Assert.Equal(WireError.None, PayloadCipher.TryDecrypt(Keyring.Create(Key).Current, sealedBytes, "aad"u8, out byte[] back));
        Assert.Equal(plain, back);
        Assert.Equal(WireError.DecryptFailed, PayloadCipher.TryDecrypt(Keyring.Create(Key).Current, sealedBytes, "aae"u8, out _));
    }

    [Fact]
    public void Version_0_is_decrypted_and_its_padding_checked()
    {
        byte[] plain = "sixteen bytes!!!xyz"u8.ToArray();
        Assert.Equal(WireError.None, PayloadCipher.TryDecrypt(Keyring.Create(Key).Current, SealV0(plain, pad: 16 - plain.Length % 16), default, out byte[] back));
        Assert.Equal(plain, back);
        Assert.Equal(WireError.BadPadding, PayloadCipher.TryDecrypt(Keyring.Create(Key).Current, SealV0(plain, pad: 16 - plain.Length % 16, lie: 40), default, out _));
        Assert.Equal(WireError.BadPadding, PayloadCipher.TryDecrypt(Keyring.Create(Key).Current, SealV0(plain, pad: 16 - plain.Length % 16, lie: 0), default, out _));
    }

    [Fact]
    public void Failures_are_values()
    {
        KeySet keys = Keyring.Create(Key).Current;
        Assert.Equal(WireError.Empty, PayloadCipher.TryDecrypt(keys, [], default, out _));
        Assert.Equal(WireError.UnsupportedEncryptionVersion, PayloadCipher.TryDecrypt(keys, new byte[40] is var v ? Set(v, 0, 2) : v, default, out _));
        Assert.Equal(WireError.Truncated, PayloadCipher.TryDecrypt(keys, new byte[28], default, out _));
        Assert.Equal(WireError.Truncated, PayloadCipher.TryDecrypt(keys, new byte[44], default, out _)); // version 0 needs 45
        Assert.Equal(WireError.DecryptFailed, PayloadCipher.TryDecrypt(keys, Set(new byte[29], 0, 1), default, out _));
        Assert.Equal(WireError.EncryptionNotConfigured, PayloadCipher.TryDecrypt(KeySet.Empty, new byte[40], default, out _));
    }

    [Fact]
    public void Stream_messages_bind_the_header_and_the_label()
    {
        var options = new GossipSecurityOptions { Keyring = Keyring.Create(Key), Label = "blue"u8.ToArray() };
        byte[] message = StreamCodec.EncodeUserMessage("payload"u8);
        byte[] sealedBytes = StreamEnvelope.Seal(message, options, compress: true);
        Assert.Equal((byte)MessageType.Encrypt, sealedBytes[0]);
        Assert.Equal((uint)(sealedBytes.Length - 5), BinaryPrimitives.ReadUInt32BigEndian(sealedBytes.AsSpan(1)));

        Assert.Equal(WireError.None, StreamEnvelope.TryOpen(sealedBytes, options, StreamLimits.Default, out int consumed, out DecodedMessage decoded));
        Assert.Equal(sealedBytes.Length, consumed);
        Assert.Equal("payload"u8.ToArray(), (byte[])decoded.Body);

        Assert.Equal(WireError.DecryptFailed, StreamEnvelope.TryOpen(sealedBytes, options with { Label = "red"u8.ToArray() }, StreamLimits.Default, out _, out _));
        byte[] longer = [.. sealedBytes, 0];
        longer[4]++; // a different length in the header: authentication fails
        Assert.Equal(WireError.DecryptFailed, StreamEnvelope.TryOpen(longer, options, StreamLimits.Default, out _, out _));

        byte[] prefix = StreamEnvelope.LabelPrefix(options);
        Assert.Equal(WireError.None, StreamEnvelope.TryAcceptLabel(prefix, options, out consumed));
        Assert.Equal(6, consumed);
        Assert.Equal(WireError.Truncated, StreamEnvelope.TryAcceptLabel(prefix[..3], options, out _));
        Assert.Equal(WireError.LabelMismatch, StreamEnvelope.TryAcceptLabel(sealedBytes, options, out _));
    }

    [Fact]
    public void Stream_length_over_the_limit_is_too_large()
    {
        var options = new GossipSecurityOptions { Keyring = Keyring.Create(Key) };
        byte[] header = [(byte)MessageType.Encrypt, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.Equal(WireError.TooLarge, StreamEnvelope.TryOpen(header, options, StreamLimits.Default, out _, out _));
    }

    private static byte[] Set(byte[] bytes, int index, byte value)
    {
        bytes[index] = value;
        return bytes;
    }

    /// <summary>A version-0 payload built by hand: PKCS7 padding (optionally with a wrong pad byte) then AES-GCM.</summary>
    private static byte[] SealV0(byte[] plain, int pad, int? lie = null)
    {
        byte[] padded = [.. plain, .. Enumerable.Repeat((byte)pad, pad)];
        if (lie is int l)
        {
            padded[^1] = (byte)l;
        }
        var output = new byte[1 + 12 + padded.Length + 16];
        output[0] = 0;
        RandomNumberGenerator.Fill(output.AsSpan(1, 12));
        using var aes = new AesGcm(Key, 16);
        aes.Encrypt(output.AsSpan(1, 12), padded, output.AsSpan(13, padded.Length), output.AsSpan(13 + padded.Length), default);
        return output;
    }
}
