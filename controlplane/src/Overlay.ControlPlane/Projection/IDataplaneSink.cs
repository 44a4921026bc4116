using Overlay.Packets;

namespace Overlay.ControlPlane.Projection;

/// <summary>
/// The seam between the control plane and the switch: the daemon implements it with static forwarding entries
/// and the ARP/ND proxy table. Called on the control plane's thread; an implementation hands the change to the
/// dataplane (for example between batches) and must not block. Each method returns whether the dataplane now
/// holds the requested state; false (unknown network, table full) leaves the change pending and the control
/// plane retries it at the next reconcile.
/// </summary>
public interface IDataplaneSink
{
    /// <summary>Points <paramref name="mac"/> at <paramref name="vtep"/> as a static entry. Upsert with replace
    /// semantics: it overwrites whatever the switch holds for the MAC, a learned entry included (moby#52661: a
    /// learned entry made the static add fail with EEXIST and the entry went silently missing).</summary>
    bool SetRemote(uint vni, MacAddress mac, IpAddr vtep);

    /// <summary>Removes the static entry for <paramref name="mac"/> if it still points at
    /// <paramref name="vtep"/> (the value the control plane installed). True when no such entry remains.</summary>
    bool RemoveRemote(uint vni, MacAddress mac, IpAddr vtep);

    /// <summary>Answers ARP/ND for <paramref name="ip"/> with <paramref name="mac"/> (upsert).</summary>
    bool SetNeighbour(uint vni, IpAddr ip, MacAddress mac);

    /// <summary>Removes the proxy entry for <paramref name="ip"/> if it still maps to <paramref name="mac"/>.
    /// True when no such entry remains.</summary>
    bool RemoveNeighbour(uint vni, IpAddr ip, MacAddress mac);
}
