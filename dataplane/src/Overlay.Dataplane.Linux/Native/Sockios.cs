namespace Overlay.Dataplane.Linux.Native;

/// <summary>Interface ioctls (linux/sockios.h) and interface flags (linux/if.h), issued on any socket of the
/// namespace that holds the interface.</summary>
internal static class Sockios
{
    public const uint SIOCGIFFLAGS = 0x8913;
    public const uint SIOCSIFFLAGS = 0x8914;
    public const uint SIOCGIFADDR = 0x8915;
    public const uint SIOCSIFADDR = 0x8916;
    public const uint SIOCGIFNETMASK = 0x891B;
    public const uint SIOCSIFNETMASK = 0x891C;
    public const uint SIOCGIFMTU = 0x8921;
    public const uint SIOCSIFMTU = 0x8922;
    public const uint SIOCSIFTXQLEN = 0x8943;
    public const uint SIOCSIFHWADDR = 0x8924;
    public const uint SIOCGIFHWADDR = 0x8927;
    public const uint SIOCGIFINDEX = 0x8933;
    public const uint SIOCDIFADDR = 0x8936;

    public const short IFF_UP = 0x1;
    public const short IFF_BROADCAST = 0x2;
    public const short IFF_RUNNING = 0x40;

    public const ushort ARPHRD_ETHER = 1;
}
