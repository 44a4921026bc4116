using System.Security.Cryptography;

namespace Overlay.Control;

/// <summary>How a gossip key is named on the control socket and on screen: the first <see cref="HexLength"/> hex
/// digits (lowercase) of its SHA-256, enough to tell keys apart, useless for recovering one.</summary>
public static class KeyFingerprint
{
    /// <summary>16 hex digits: the first 8 bytes of the hash.</summary>
    public const int HexLength = 16;

    public static string Of(ReadOnlySpan<byte> key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(key, hash);
        return Convert.ToHexStringLower(hash[..(HexLength / 2)]);
    }
}
