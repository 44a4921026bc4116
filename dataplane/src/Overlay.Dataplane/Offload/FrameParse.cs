namespace Overlay.Dataplane.Offload;

/// <summary>What <see cref="FrameLayout.TryParse"/> found.</summary>
internal enum FrameParse : byte
{
    /// <summary>Ethernet (at most one VLAN tag), IPv4 or IPv6 without extension headers, then TCP or UDP.</summary>
    Ok,
    /// <summary>Not IPv4 or IPv6 (ARP, Q-in-Q, ...), or an IP protocol other than TCP and UDP.</summary>
    NotTcpUdp,
    /// <summary>A header shorter than its own length fields say, or lengths that disagree.</summary>
    Malformed,
    /// <summary>Well formed but outside what offload handles: IPv6 extension headers, jumbograms.</summary>
    Unsupported,
}
