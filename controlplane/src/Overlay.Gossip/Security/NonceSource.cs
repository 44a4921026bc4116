using System.Security.Cryptography;

namespace Overlay.Gossip.Security;

/// <summary>Fills an AES-GCM nonce. Production uses <see cref="Random"/>; tests inject a fixed one.</summary>
internal delegate void NonceSource(Span<byte> nonce);

internal static class NonceSources
{
    /// <summary>Cryptographically random nonces, as memberlist uses (crypto/rand).</summary>
    public static NonceSource Random { get; } = RandomNumberGenerator.Fill;
}
