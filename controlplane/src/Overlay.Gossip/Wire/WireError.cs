namespace Overlay.Gossip.Wire;

/// <summary>Why a packet, stream message or message body was refused. Decoding never throws on
/// input from the network: it returns one of these, and the caller counts it and drops.</summary>
internal enum WireError : byte
{
    None = 0,
    /// <summary>The input ends inside a header, a length or a value. On a stream this means "read more".</summary>
    Truncated,
    /// <summary>Nothing to decode (a zero-length packet or part).</summary>
    Empty,
    /// <summary>A message type byte that memberlist does not define.</summary>
    UnknownType,
    /// <summary>A defined message type where it is not allowed (e.g. a push/pull inside a UDP packet).</summary>
    UnexpectedType,
    /// <summary>Malformed MessagePack: a reserved byte, a wrong value kind, an integer that does not fit its field.</summary>
    BadMsgPack,
    /// <summary>A length or count over the configured limit.</summary>
    TooLarge,
    /// <summary>A label header that is truncated or empty.</summary>
    BadLabel,
    /// <summary>A label (or its absence) that is not ours.</summary>
    LabelMismatch,
    /// <summary>A CRC header whose checksum does not match.</summary>
    BadCrc,
    /// <summary>A compound in a compound, or a compressed message in a compressed message.</summary>
    NestingTooDeep,
    /// <summary>An unknown compression algorithm or a corrupt LZW stream.</summary>
    BadCompression,
    /// <summary>Plaintext where encryption is required.</summary>
    NotEncrypted,
    /// <summary>Encrypted data but no keyring.</summary>
    EncryptionNotConfigured,
    /// <summary>An encryption version other than 0 or 1.</summary>
    UnsupportedEncryptionVersion,
    /// <summary>No installed key authenticates the message (wrong key, wrong label, or tampering).</summary>
    DecryptFailed,
    /// <summary>Version-0 (PKCS7) padding that is not valid.</summary>
    BadPadding,
    /// <summary>An encode target buffer too small (a caller error, not a network error).</summary>
    DestinationTooSmall,
    /// <summary>A value that cannot be put on the wire (e.g. more than 255 compound parts).</summary>
    Unencodable,
}
