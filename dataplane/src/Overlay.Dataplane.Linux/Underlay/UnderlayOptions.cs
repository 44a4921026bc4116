using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>How to open an <see cref="UnderlaySocket"/>.</summary>
public sealed class UnderlayOptions
{
    public const ushort DefaultPort = 4789;

    /// <summary>The local VTEP address; its family (IPv4 or IPv6) is the socket's.</summary>
    public required IpAddr LocalAddress { get; init; }

    /// <summary>The UDP port to receive on (0: any free port).</summary>
    public ushort Port { get; init; } = DefaultPort;

    /// <summary>The most datagrams one Receive or Send system call handles; sizes the preallocated vectors.</summary>
    public int MaxBatch { get; init; } = 64;

    public int ReceiveBufferBytes { get; init; } = 8 << 20;
    public int SendBufferBytes { get; init; } = 8 << 20;

    /// <summary>The network namespace to open the sockets in (name under /var/run/netns, or a path); null: the
    /// calling thread's.</summary>
    public string? Namespace { get; init; }

    /// <summary>Receive with UDP_GRO: the kernel coalesces datagrams of a flow into one message (falls back
    /// silently where the kernel refuses; see <see cref="UnderlaySocket.GroEnabled"/>).</summary>
    public bool Gro { get; init; }

    /// <summary>SO_REUSEPORT on the receive socket, so that each worker opens its own socket on the port and the
    /// kernel spreads flows (by their 4-tuple hash) over them. Only for several workers of one daemon: another
    /// process of the same user could then bind the port too.</summary>
    public bool ReusePort { get; init; }

    /// <summary>Transmit through UDP sockets with UDP GSO instead of the raw socket (null: raw socket).</summary>
    public UdpGsoTransmitter.Options? GsoTransmit { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (LocalAddress.IsNone) throw new ArgumentException("Underlay LocalAddress is required", nameof(LocalAddress));
        if (MaxBatch is < 1 or > 1024) throw new ArgumentException($"Underlay MaxBatch {MaxBatch} is outside 1..1024", nameof(MaxBatch));
        if (ReceiveBufferBytes < 0) throw new ArgumentException("Underlay ReceiveBufferBytes must not be negative", nameof(ReceiveBufferBytes));
        if (SendBufferBytes < 0) throw new ArgumentException("Underlay SendBufferBytes must not be negative", nameof(SendBufferBytes));
        if (Namespace is { Length: 0 }) throw new ArgumentException("Underlay Namespace must be null or non-empty", nameof(Namespace));
    }
}
