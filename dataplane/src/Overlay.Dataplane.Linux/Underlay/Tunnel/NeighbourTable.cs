using Overlay.Dataplane.Linux.Netns;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay.Tunnel;

/// <summary>
/// The kernel's neighbour table on the underlay device: the next-hop MAC of each remote VTEP, for frames the
/// daemon writes into the underlay TAP. A snapshot, read at setup or on a slow timer; never on the packet path.
/// </summary>
public static partial class NeighbourTable
{
    /// <summary>/proc/net is a link to /proc/self/net, and "self" is the process (its main thread's namespace);
    /// the calling thread's own view is under thread-self.</summary>
    internal const string ProcArpPath = "/proc/thread-self/net/arp";

    /// <summary>
    /// Complete IPv4 entries (ATF_COM set, MAC not zero) on <paramref name="device"/>, from /proc/net/arp read on a
    /// thread inside <paramref name="ns"/> (a name under /var/run/netns or a path; null: the caller's namespace).
    /// Throws <see cref="LinuxIoException"/> when the namespace cannot be entered, <see cref="IOException"/> when
    /// the file cannot be read.
    /// </summary>
    public static Dictionary<IpAddr, MacAddress> ReadIPv4(string device, string? ns = null)
    {
        IpRoute2.ValidateDeviceName(device, nameof(device));
        string text = ns is null ? File.ReadAllText(ProcArpPath) : NetworkNamespace.Run(ns, () => File.ReadAllText(ProcArpPath));
        return ParseProcArp(text, device);
    }

    /// <summary>
    /// IPv6 entries on <paramref name="device"/> in state REACHABLE, STALE, DELAY, PROBE or PERMANENT that have an
    /// lladdr, from <c>ip [-n NS] -6 neigh show dev DEVICE</c> (<paramref name="ns"/>: a name under
    /// /var/run/netns, or null). Throws <see cref="InvalidOperationException"/> naming the command and its stderr
    /// when <c>ip</c> is missing or fails.
    /// </summary>
    public static Dictionary<IpAddr, MacAddress> ReadIPv6(string device, string? ns = null)
    {
        IpRoute2.ValidateDeviceName(device, nameof(device));
        IpRoute2.ValidateNamespaceName(ns, nameof(ns));
        var result = IpRoute2.Run("ip", ns, ["-6", "neigh", "show", "dev", device]);
        if (!result.Succeeded) throw new InvalidOperationException("reading the IPv6 neighbour table: " + result.Describe());
        return ParseIpNeighbours(result.Output, device, ipv6: true);
    }
}
