using Overlay.Dataplane.Linux.Netns;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay.Tunnel;

/// <summary>Finds the interface that holds the underlay address (getifaddrs, run inside the namespace).</summary>
public static class UnderlayDevice
{
    /// <summary>
    /// The interface holding <paramref name="local"/> (IPv4 or IPv6) in namespace <paramref name="ns"/> (a name
    /// under /var/run/netns or a path such as /proc/PID/ns/net; null: the caller's namespace), or null when no
    /// interface has it. Throws <see cref="LinuxIoException"/> when the namespace cannot be entered or getifaddrs
    /// fails.
    /// </summary>
    public static UnderlayDeviceInfo? Find(IpAddr local, string? ns = null)
    {
        if (local.IsNone) throw new ArgumentException("the local address is not set", nameof(local));
        if (ns is null) return Select(InterfaceAddressList.Read(""), local);
        return NetworkNamespace.Run(ns, () => Select(InterfaceAddressList.Read(" in netns " + ns), local));
    }

    /// <summary>Picks the first address row equal to <paramref name="local"/> and the link row of its device
    /// (an alias label "eth0:1" names device "eth0"). Null when either is missing.</summary>
    internal static UnderlayDeviceInfo? Select(IReadOnlyList<InterfaceAddressList.Entry> entries, IpAddr local)
    {
        string? name = null;
        foreach (var e in entries)
        {
            if (e.Family != InterfaceAddressList.AF_PACKET && e.Address == local)
            {
                name = DeviceOfLabel(e.Name);
                break;
            }
        }
        if (string.IsNullOrEmpty(name)) return null;
        foreach (var e in entries)
        {
            if (e.Family == InterfaceAddressList.AF_PACKET && e.Name == name) return new UnderlayDeviceInfo(name, e.IfIndex, e.Mac);
        }
        return null;
    }

    /// <summary>Interface names cannot contain ':', so anything from the first ':' on is an IPv4 alias label.</summary>
    private static string DeviceOfLabel(string label)
    {
        int colon = label.IndexOf(':');
        return colon < 0 ? label : label[..colon];
    }
}
