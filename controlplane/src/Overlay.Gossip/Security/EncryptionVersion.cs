namespace Overlay.Gossip.Security;

/// <summary>memberlist's encryption versions (security.go): the first byte of every encrypted
/// payload. memberlist encrypts with 1 unless it speaks protocol version 1.</summary>
internal enum EncryptionVersion : byte
{
    /// <summary>AES-GCM with PKCS7 padding to the AES block size (decrypt only here).</summary>
    Padded = 0,
    /// <summary>AES-GCM, no padding.</summary>
    Unpadded = 1,
}
