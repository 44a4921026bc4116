using System.Runtime.InteropServices;

namespace Overlay.Dataplane.Linux.Native;

/// <summary>struct in6_ifreq (24 bytes), the argument of SIOCSIFADDR on an AF_INET6 socket.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct In6IfReq
{
    public fixed byte Address[16];
    public uint PrefixLength;
    public int IfIndex;
}
