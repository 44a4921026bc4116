using Microsoft.Extensions.Logging;
using Overlay.Daemon.Config;
using Overlay.Dataplane.Linux;
using Overlay.Dataplane.Linux.Underlay;
using Overlay.Dataplane.Linux.Underlay.Tunnel;
using Overlay.Dataplane.Ports;
using Overlay.Packets;

namespace Overlay.Daemon.Dataplane;

// The UDP-tunnel GSO underlay (dataplane.udpTunnelGso): a TAP on the underlay side, tc rules that join it to the
// underlay device, and a refresh of the remote VTEPs' next-hop MACs from the kernel's neighbour table.
public sealed partial class DataplaneHost
{
    /// <summary>How often the next-hop MACs are re-read from the kernel.</summary>
    private static readonly TimeSpan NeighbourRefresh = TimeSpan.FromSeconds(1);

    /// <summary>The tunnel TAP when it runs (for stats), else null.</summary>
    public UnderlayTap? TunnelTap { get; private set; }

    /// <summary>Wraps <paramref name="outside"/> with the tunnel path, or returns it as it is when the path is off or
    /// cannot be built here (logged). Adds the TAP to the worker's <paramref name="receivers"/>.</summary>
    private IOutsidePort WithTunnel(DaemonConfig c, IOutsidePort outside, List<(int Fd, IUnderlayReceiver Receiver)> receivers)
    {
        // One family: IPv4 when the VTEP has an IPv4 address, else IPv6 (a dual-stack VTEP sends IPv6 the UDP way).
        IpAddr local = c.Vxlan.LocalV4.IsNone ? c.Vxlan.LocalV6 : c.Vxlan.LocalV4;
        if (!c.Offloads.UdpTunnelGso)
        {
            if (c.Offloads.UdpTunnelGsoOffBecause is { } why) LogTunnelOff(why);
            RemoveStaleRules(local);
            return outside;
        }
        if (local.IsNone)
        {
            LogTunnelOff("the VTEP has no address");
            return outside;
        }
        UnderlayTap? tap = null;
        TcRedirect? tc = null;
        try
        {
            var device = UnderlayDevice.Find(local);
            if (device is null)
            {
                LogTunnelOff($"no interface holds {local}");
                return outside;
            }
            if (device.Mac.IsZero)
            {
                // Our frames carry an Ethernet header: an L3 device (a tunnel, loopback) cannot take them.
                LogTunnelOff($"{device.Name}, which holds {local}, has no Ethernet address");
                return outside;
            }
            tap = UnderlayTap.Open($"ovlu{c.Vxlan.DestinationPort}", null, local, device.Mac, c.Vxlan, c.UnderlayMtu);
            // Every VXLAN packet for us comes through the TAP, small ones too: the virtio header carries the checksum
            // state a UDP socket hides (a kernel VXLAN peer over veth leaves inner checksums partial).
            tc = TcRedirect.Install(null, device.Name, tap.Name, local, c.Vxlan.DestinationPort, minLength: 0);
            var neighbours = new NeighbourRefresher(tap, device.Name, local.IsV6, this);
            neighbours.Refresh();
            _owned.Add(neighbours.Start(NeighbourRefresh));
            _owned.Add(tc);
            _owned.Add(tap);
            TunnelTap = tap;
            receivers.Add((tap.Fd, tap));
            LogTunnelOn(tap.Name, device.Name, tap.OuterChecksum ? "with" : "without");
            return new TunnelOutsidePort(outside, tap);
        }
        catch (Exception e) when (e is NotSupportedException or LinuxIoException or InvalidOperationException or IOException
                                       or ArgumentException or UnauthorizedAccessException)
        {
            tc?.Dispose();
            tap?.Dispose();
            LogTunnelOff(e.Message);
            return outside;
        }
    }

    /// <summary>With the tunnel path off, rules a killed earlier run left on the underlay device would drop large
    /// VXLAN packets: remove them (logged).</summary>
    private void RemoveStaleRules(IpAddr local)
    {
        if (local.IsNone) return;
        try
        {
            if (UnderlayDevice.Find(local) is { } device && TcRedirect.RemoveStale(null, device.Name)) LogStaleRulesRemoved(device.Name);
        }
        catch (Exception e) when (e is LinuxIoException or InvalidOperationException or IOException or ArgumentException)
        {
            // Nothing to clean up that we can see; the tunnel path is off anyway.
        }
    }

    /// <summary>Re-reads the next-hop MACs on a timer; a failed read keeps the last map (logged once).</summary>
    private sealed class NeighbourRefresher(UnderlayTap tap, string device, bool v6, DataplaneHost host)
    {
        private bool _warned;

        public void Refresh()
        {
            try
            {
                tap.SetNeighbours(v6 ? NeighbourTable.ReadIPv6(device) : NeighbourTable.ReadIPv4(device));
                _warned = false;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                if (_warned) return;
                _warned = true;
                host.LogNeighboursFailed(device, e.Message);
            }
        }

        public IDisposable Start(TimeSpan every) => new Timer(_ => Refresh(), null, every, every);
    }

    [LoggerMessage(20, LogLevel.Information, "UDP-tunnel GSO underlay on: TAP {Tap} joined to {Device} by tc, outer UDP checksum offload {Checksum}")]
    private partial void LogTunnelOn(string tap, string device, string checksum);

    [LoggerMessage(21, LogLevel.Warning, "UDP-tunnel GSO underlay off, super-frames are segmented here: {Reason}")]
    private partial void LogTunnelOff(string reason);

    [LoggerMessage(23, LogLevel.Warning, "removed the UDP-tunnel tc rules an earlier run left on {Device}")]
    private partial void LogStaleRulesRemoved(string device);

    [LoggerMessage(22, LogLevel.Warning, "reading the neighbour table of {Device} failed: {Reason}; keeping the last next-hop MACs")]
    private partial void LogNeighboursFailed(string device, string reason);
}
