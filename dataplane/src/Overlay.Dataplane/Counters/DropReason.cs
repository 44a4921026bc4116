namespace Overlay.Dataplane.Counters;

/// <summary>Why a packet was dropped. Closed set: every drop on the packet path names one.</summary>
public enum DropReason
{
    /// <summary>A header shorter than its own fields say (Ethernet, VXLAN).</summary>
    Truncated,
    /// <summary>VXLAN header without the I flag.</summary>
    VxlanInvalidFlags,
    /// <summary>VXLAN reserved bits set that the reserved-bits mask does not tolerate (the kernel's reserved_bits).</summary>
    VxlanReservedBits,
    /// <summary>No network has the packet's VNI.</summary>
    UnknownVni,
    /// <summary>The outer source is one of our own VTEP addresses (a loop).</summary>
    OwnVtepSource,
    /// <summary>Source MAC zero, broadcast or multicast.</summary>
    InvalidSourceMac,
    /// <summary>The source MAC has a static entry pointing elsewhere.</summary>
    StaticConflict,
    /// <summary>Frame larger than the port's MTU allows; VXLAN never fragments.</summary>
    Oversize,
    /// <summary>The destination is the port the frame came from.</summary>
    SamePort,
    /// <summary>A frame from a remote VTEP addressed to another remote VTEP (split horizon).</summary>
    RemoteToRemote,
    /// <summary>Nowhere to send: unknown destination and an empty flood list.</summary>
    NoDestination,
    /// <summary>No local underlay address of the remote VTEP's family.</summary>
    NoUnderlayAddress,
    /// <summary>No free packet buffer: for a flood copy, or for the segments of a super-frame read from a TAP.</summary>
    NoBuffer,
    /// <summary>The device or socket refused the packet on transmit.</summary>
    TxError,
    /// <summary>An ARP request the ARP proxy could not answer (the kernel consumes it too; it is never flooded).</summary>
    ArpProxyMiss,
    /// <summary>A super-frame read from a TAP whose headers contradict themselves or its virtio header (lengths,
    /// gso_size 0, csum_start elsewhere, a gso_type naming another protocol, an IPv4 fragment); or a partial checksum
    /// pointing outside the frame.</summary>
    GsoMalformed,
    /// <summary>A well-formed super-frame that software segmentation does not handle (UFO, IPv6 extension headers,
    /// Q-in-Q, unknown gso_type bits, segments larger than a packet buffer).</summary>
    GsoUnsupported,
    /// <summary>A super-frame with more segments than a receive batch holds.</summary>
    GsoTooManySegments,
}

public static class DropReasons
{
    public const int Count = (int)DropReason.GsoTooManySegments + 1;

    private static readonly string[] Names =
    [
        "truncated", "vxlan_invalid_flags", "vxlan_reserved_bits", "unknown_vni", "own_vtep_source",
        "invalid_source_mac", "static_conflict", "oversize", "same_port", "remote_to_remote",
        "no_destination", "no_underlay_address", "no_buffer", "tx_error", "arp_proxy_miss",
        "gso_malformed", "gso_unsupported", "gso_too_many_segments",
    ];

    /// <summary>The snake_case name used in stats output and metric tags.</summary>
    public static string Name(DropReason reason) => Names[(int)reason];
}
