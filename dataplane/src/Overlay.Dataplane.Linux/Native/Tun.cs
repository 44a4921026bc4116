namespace Overlay.Dataplane.Linux.Native;

/// <summary>TUN/TAP ioctls and flags from linux/if_tun.h. The ioctl numbers are _IOW/_IOR('T', nr, int).</summary>
internal static class Tun
{
    public const string DevicePath = "/dev/net/tun";

    public const uint TUNSETIFF = 0x4004_54CA;
    public const uint TUNSETPERSIST = 0x4004_54CB;
    public const uint TUNGETFEATURES = 0x8004_54CF;
    public const uint TUNSETOFFLOAD = 0x4004_54D0;
    public const uint TUNGETIFF = 0x8004_54D2;
    public const uint TUNSETVNETHDRSZ = 0x4004_54D8;
    public const uint TUNSETQUEUE = 0x4004_54D9;

    // ifr_flags for TUNSETIFF
    public const short IFF_TUN = 0x0001;
    public const short IFF_TAP = 0x0002;
    public const short IFF_NAPI = 0x0010;
    public const short IFF_MULTI_QUEUE = 0x0100;
    public const short IFF_ATTACH_QUEUE = 0x0200;
    public const short IFF_DETACH_QUEUE = 0x0400;
    public const short IFF_PERSIST = 0x0800;
    public const short IFF_NO_PI = 0x1000;
    public const short IFF_VNET_HDR = 0x4000;
    /// <summary>Fail with EBUSY instead of attaching when the name already exists.</summary>
    public const short IFF_TUN_EXCL = unchecked((short)0x8000);

    // TUNSETOFFLOAD
    public const uint TUN_F_CSUM = 0x01;
    public const uint TUN_F_TSO4 = 0x02;
    public const uint TUN_F_TSO6 = 0x04;
    public const uint TUN_F_TSO_ECN = 0x08;
    public const uint TUN_F_UFO = 0x10;
    public const uint TUN_F_USO4 = 0x20;
    public const uint TUN_F_USO6 = 0x40;
    /// <summary>TSO/USO inside a UDP tunnel (Linux 6.18): needs a 24-byte virtio header (TUNSETVNETHDRSZ).</summary>
    public const uint TUN_F_UDP_TUNNEL_GSO = 0x80;
    /// <summary>The same with a partial outer UDP checksum (SKB_GSO_UDP_TUNNEL_CSUM).</summary>
    public const uint TUN_F_UDP_TUNNEL_GSO_CSUM = 0x100;
}
