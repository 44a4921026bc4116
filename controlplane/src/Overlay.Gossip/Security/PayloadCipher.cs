using System.Security.Cryptography;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Security;

/// <summary>memberlist's encrypted payload (security.go): [version:1][nonce:12][ciphertext][tag:16],
/// AES-GCM with the key's size choosing AES-128/192/256. Version 0 PKCS7-pads the plaintext to 16
/// bytes first; version 1 does not. The additional data is the caller's: the label for a packet,
/// the 5-byte stream header plus the label for a stream message. Failures are values.</summary>
internal static class PayloadCipher
{
    public const int VersionSize = 1;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private const int BlockSize = 16;

    /// <summary>Bytes an encrypted payload of <paramref name="plaintextLength"/> bytes takes (encryptedLength).</summary>
    public static int EncryptedLength(EncryptionVersion version, int plaintextLength)
    {
        int padding = version == EncryptionVersion.Padded ? BlockSize - plaintextLength % BlockSize : 0;
        return VersionSize + NonceSize + plaintextLength + padding + TagSize;
    }

    /// <summary>The most encryption adds (memberlist's encryptOverhead): 29 for version 1, 45 for 0.</summary>
    public static int Overhead(EncryptionVersion version) => version == EncryptionVersion.Padded ? 45 : 29;

    /// <summary>Encrypts with <paramref name="key"/> as version 1 into <paramref name="destination"/>,
    /// which must hold <see cref="EncryptedLength"/> bytes.</summary>
    public static WireError TryEncrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData,
        Span<byte> destination, out int written, NonceSource? nonceSource = null)
    {
        written = 0;
        if (!Keyring.IsValidKeySize(key.Length))
        {
            return WireError.EncryptionNotConfigured;
        }
        int length = EncryptedLength(EncryptionVersion.Unpadded, plaintext.Length);
        if (destination.Length < length)
        {
            return WireError.DestinationTooSmall;
        }
        destination[0] = (byte)EncryptionVersion.Unpadded;
        Span<byte> nonce = destination.Slice(VersionSize, NonceSize);
        (nonceSource ?? NonceSources.Random)(nonce);
        Span<byte> ciphertext = destination.Slice(VersionSize + NonceSize, plaintext.Length);
        Span<byte> tag = destination.Slice(VersionSize + NonceSize + plaintext.Length, TagSize);
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        }
        written = length;
        return WireError.None;
    }

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, NonceSource? nonceSource = null)
    {
        var output = new byte[EncryptedLength(EncryptionVersion.Unpadded, plaintext.Length)];
        WireError e = TryEncrypt(key, plaintext, associatedData, output, out _, nonceSource);
        return e == WireError.None ? output : throw new ArgumentException($"cannot encrypt: {e}", nameof(key));
    }

    /// <summary>Decrypts a version 0 or 1 payload, trying every key of <paramref name="keys"/> (primary
    /// first), into <paramref name="destination"/> (at least payload length - 29 bytes).</summary>
    public static WireError TryDecrypt(KeySet keys, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> associatedData,
        Span<byte> destination, out int written)
    {
        written = 0;
        if (keys.IsEmpty)
        {
            return WireError.EncryptionNotConfigured;
        }
        if (payload.IsEmpty)
        {
            return WireError.Empty;
        }
        if (payload[0] > (byte)EncryptionVersion.Unpadded)
        {
            return WireError.UnsupportedEncryptionVersion;
        }
        var version = (EncryptionVersion)payload[0];
        if (payload.Length < EncryptedLength(version, 0))
        {
            return WireError.Truncated;
        }
        ReadOnlySpan<byte> nonce = payload.Slice(VersionSize, NonceSize);
        ReadOnlySpan<byte> ciphertext = payload[(VersionSize + NonceSize)..^TagSize];
        ReadOnlySpan<byte> tag = payload[^TagSize..];
        if (destination.Length < ciphertext.Length)
        {
            return WireError.DestinationTooSmall;
        }
        Span<byte> plain = destination[..ciphertext.Length];
        for (int k = 0; k < keys.Count; k++)
        {
            if (TryOpen(keys[k], nonce, ciphertext, tag, associatedData, plain))
            {
                if (version == EncryptionVersion.Padded)
                {
                    // memberlist's pkcs7decode trusts the last byte; a value past the block size or the
                    // length would make it panic or misread, so it is refused here.
                    int pad = plain.IsEmpty ? 0 : plain[^1];
                    if (pad is 0 or > BlockSize || pad > plain.Length)
                    {
                        return WireError.BadPadding;
                    }
                    written = plain.Length - pad;
                }
                else
                {
                    written = plain.Length;
                }
                return WireError.None;
            }
        }
        plain.Clear();
        return WireError.DecryptFailed;
    }

    public static WireError TryDecrypt(KeySet keys, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        plaintext = [];
        if (payload.Length < VersionSize + NonceSize + TagSize)
        {
            return TryDecrypt(keys, payload, associatedData, Span<byte>.Empty, out _);
        }
        var buffer = new byte[payload.Length - VersionSize - NonceSize - TagSize];
        WireError e = TryDecrypt(keys, payload, associatedData, buffer, out int written);
        if (e == WireError.None)
        {
            plaintext = written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
        }
        return e;
    }

    private static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }
}
