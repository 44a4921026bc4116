namespace Overlay.Dataplane.Linux.Tap;

/// <summary>Offloads a TAP can take from the kernel (TUNSETOFFLOAD). Any of them turns on virtio-net headers
/// (IFF_VNET_HDR): the kernel then hands us partial checksums and TCP (or UDP) super-frames up to 64 KB, and we
/// can hand it super-frames back.</summary>
[Flags]
public enum TapOffloads
{
    None = 0,
    /// <summary>Frames may carry a partial L4 checksum (TUN_F_CSUM); required by the others.</summary>
    Checksum = 1,
    /// <summary>TCP segmentation offload for IPv4 and IPv6 (TUN_F_TSO4 | TUN_F_TSO6).</summary>
    Tso = 2,
    /// <summary>UDP segmentation offload (TUN_F_USO4 | TUN_F_USO6, Linux 6.2+).</summary>
    Uso = 4,
    All = Checksum | Tso | Uso,
}
