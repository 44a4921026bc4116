namespace Overlay.Gossip.Security;

internal enum KeyringResult : byte
{
    Ok = 0,
    /// <summary>Not 16, 24 or 32 bytes (AES-128/192/256).</summary>
    InvalidKeySize,
    /// <summary>Use of a key that is not installed.</summary>
    NotInstalled,
    /// <summary>Removing the key in use for encryption is refused: Use another key first.</summary>
    PrimaryKeyRemoval,
}
