namespace Overlay.Gossip.Net;

/// <summary>Outcome of a keyring change on <see cref="UdpTcpTransport"/> (memberlist's keyring errors).</summary>
public enum KeyOperationResult
{
    Ok,
    /// <summary>A key that is not 16, 24 or 32 bytes.</summary>
    InvalidKeySize,
    /// <summary>Use of a key that is not installed.</summary>
    NotInstalled,
    /// <summary>Removal of the key in use: use another one first.</summary>
    PrimaryKeyRemoval,
    /// <summary>The transport was created without keys, so encryption cannot be turned on at run time.</summary>
    EncryptionNotEnabled,
}
