using Overlay.ControlPlane.Projection;
using Overlay.Daemon.Dataplane;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Switching;
using Overlay.Packets;

namespace Overlay.Daemon.Gossip;

/// <summary>
/// Applies the control plane's endpoint table to the switch: remote endpoints become static forwarding entries
/// (replace semantics, so a learned entry never blocks them) and ARP-proxy neighbours. Each change runs on the
/// switch worker's thread; the gossip thread waits for it briefly, and a change that did not land in time is
/// reported as not applied so the control plane retries it.
/// </summary>
public sealed class SwitchDataplaneSink(DataplaneHost dataplane) : IDataplaneSink
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    private bool Run(Func<VxlanSwitch, bool> change)
    {
        var worker = dataplane.Worker;
        if (worker is null) return false;
        var task = worker.InvokeAsync(change);
        return task.Wait(Wait) && task.Result;
    }

    private static SwitchNetwork? Network(VxlanSwitch sw, uint vni) => sw.TryGetNetwork(vni, out var n) ? n : null;

    public bool SetRemote(uint vni, MacAddress mac, IpAddr vtep) => Run(sw =>
        Network(sw, vni) is not { } n || sw.FdbUpdate(n, FdbChange.Replace, mac, null, vtep, FdbEntryKind.Static) == FdbResult.Ok);

    public bool RemoveRemote(uint vni, MacAddress mac, IpAddr vtep) => Run(sw =>
    {
        if (Network(sw, vni) is not { } n || !n.Fdb.TryGet(mac, out var e)) return true;
        // Only the entry the control plane installed: a local port or another VTEP has taken the MAC since.
        if (e.IsLocal || e.Remote != vtep) return true;
        sw.FdbDelete(n, mac, default);
        return true;
    });

    public bool SetNeighbour(uint vni, IpAddr ip, MacAddress mac) => Run(sw =>
    {
        if (Network(sw, vni) is { } n) sw.NeighbourSet(n, ip, mac);
        return true;
    });

    public bool RemoveNeighbour(uint vni, IpAddr ip, MacAddress mac) => Run(sw =>
    {
        if (Network(sw, vni) is { } n && n.Neighbours.TryGet(ip, out var current) && current == mac) sw.NeighbourRemove(n, ip);
        return true;
    });
}
