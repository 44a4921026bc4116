namespace Overlay.Dataplane.Linux.Native;

/// <summary>Socket constants (x86-64 / arm64 Linux values), ours so that they are compile-time constants;
/// a test checks them against Tmds.LibC.</summary>
internal static class Sock
{
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;

    public const int SOCK_DGRAM = 2;
    public const int SOCK_RAW = 3;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;

    public const int IPPROTO_IP = 0;
    public const int IPPROTO_UDP = 17;
    public const int IPPROTO_IPV6 = 41;
    public const int IPPROTO_RAW = 255;

    public const int SOL_SOCKET = 1;
    public const int SOL_UDP = 17;

    public const int SO_SNDBUF = 7;
    public const int SO_RCVBUF = 8;
    public const int SO_NO_CHECK = 11;
    public const int SO_SNDBUFFORCE = 32;
    public const int SO_RCVBUFFORCE = 33;

    public const int IP_TOS = 1;
    public const int IP_TTL = 2;
    public const int IP_HDRINCL = 3;
    public const int IP_MTU_DISCOVER = 10;
    public const int IP_PMTUDISC_DONT = 0;
    public const int IP_PMTUDISC_DO = 2;
    public const int IP_PMTUDISC_PROBE = 3;

    public const int IPV6_MTU_DISCOVER = 23;
    public const int IPV6_V6ONLY = 26;
    public const int IPV6_HDRINCL = 36;
    public const int IPV6_HOPLIMIT = 52;
    public const int IPV6_DONTFRAG = 62;
    public const int IPV6_TCLASS = 67;
    public const int SO_REUSEADDR = 2;
    public const int SO_REUSEPORT = 15;

    public const int UDP_NO_CHECK6_TX = 101;
    public const int UDP_NO_CHECK6_RX = 102;
    public const int UDP_SEGMENT = 103;
    public const int UDP_GRO = 104;

    public const int MSG_TRUNC = 0x20;
    public const int MSG_DONTWAIT = 0x40;

    public const int SockAddrIn4Size = 16;
    public const int SockAddrIn6Size = 28;
}
