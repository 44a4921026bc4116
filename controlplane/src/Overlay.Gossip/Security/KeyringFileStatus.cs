namespace Overlay.Gossip.Security;

/// <summary>What <see cref="KeyringFile.TryRead"/> found.</summary>
public enum KeyringFileStatus
{
    /// <summary>The file holds a keyring: at least one key, each 16, 24 or 32 bytes, none twice.</summary>
    Ok,
    /// <summary>There is no file at the path (nothing was saved there yet).</summary>
    Missing,
    /// <summary>The file is there but is not a keyring file.</summary>
    Malformed,
    /// <summary>The file could not be read (permissions, I/O, a directory in its place).</summary>
    Unreadable,
}
