namespace Overlay.Gossip.Net;

/// <summary>Why the transport dropped a packet, a message inside one, a stream, or an outgoing send. The first
/// group mirrors the wire layer's refusals; the rest are the transport's own.</summary>
public enum TransportDropReason
{
    /// <summary>A zero-length packet or compound part.</summary>
    Empty,
    /// <summary>A packet or part that ends inside a header or value; on a stream: the peer closed early.</summary>
    Truncated,
    UnknownType,
    /// <summary>A defined message type where it has no business (a push/pull in a packet, an ack to a server).</summary>
    UnexpectedType,
    /// <summary>Malformed MessagePack.</summary>
    Malformed,
    /// <summary>A length or count over the configured limit.</summary>
    TooLarge,
    BadLabel,
    /// <summary>A label (or no label) that is not ours.</summary>
    LabelMismatch,
    BadCrc,
    NestingTooDeep,
    BadCompression,
    /// <summary>Plaintext where encryption is required.</summary>
    NotEncrypted,
    /// <summary>Encrypted input but no keyring.</summary>
    EncryptionNotConfigured,
    UnsupportedEncryptionVersion,
    /// <summary>No installed key authenticates it: wrong key, wrong label, or tampering.</summary>
    DecryptFailed,
    BadPadding,

    /// <summary>An authenticated (encrypted) packet or stream message whose nonce was seen before.</summary>
    Replayed,
    /// <summary>A source address outside <see cref="UdpTcpTransportOptions.AllowedPeers"/>.</summary>
    PeerNotAllowed,
    /// <summary>An alive message or push/pull member whose address is outside the allowed peers.</summary>
    MemberNotAllowed,
    /// <summary>An alive message or push/pull member whose address is not 4 or 16 bytes.</summary>
    BadAddress,
    /// <summary>The node's work queue was full, so a received packet was not handed to it.</summary>
    QueueFull,
    /// <summary>A stream that did not deliver its message within the stream timeout (slow or silent peer).</summary>
    StreamTimeout,
    /// <summary>An inbound stream over <see cref="UdpTcpTransportOptions.MaxInboundStreams"/>.</summary>
    TooManyStreams,
    /// <summary>A socket error on a stream (reset, refused, unreachable).</summary>
    StreamError,
    /// <summary>The remote side of a stream we dialled answered with an error message.</summary>
    RemoteError,
    /// <summary>An outgoing packet the socket would not take (send buffer full: the node thread never waits).</summary>
    SendBufferFull,
    /// <summary>An outgoing packet the socket refused (unreachable, no route).</summary>
    SendFailed,
    /// <summary>An outgoing message that cannot fit in a datagram.</summary>
    SendTooLarge,
    /// <summary>A stream exchange requested before <see cref="UdpTcpTransport.Start"/> or after disposal.</summary>
    NotRunning,
    /// <summary>An unexpected exception (a bug); also reported to the error callback.</summary>
    Internal,
}
