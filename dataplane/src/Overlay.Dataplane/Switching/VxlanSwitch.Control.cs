using Overlay.Dataplane.Bridging;
using Overlay.Packets;

namespace Overlay.Dataplane.Switching;

/// <summary>Forwarding-table operations of the control path (`fdb add|append|replace|del|flush|show`). They run
/// on the worker's thread, between batches, so the table keeps its single writer.</summary>
public sealed partial class VxlanSwitch
{
    /// <summary>Installs an entry. <paramref name="port"/> names a local port, or <paramref name="remote"/> a
    /// VTEP; the all-zeros MAC edits the flood list (remote only).</summary>
    public FdbResult FdbUpdate(SwitchNetwork network, FdbChange change, MacAddress mac, SwitchPort? port, IpAddr remote, FdbEntryKind kind)
    {
        if ((port is null) == remote.IsNone) return FdbResult.Invalid;
        if (port is not null && port.Network != network) return FdbResult.Invalid;
        if (mac.IsZero) return FloodListChange(network, change, remote, port);

        var fdb = network.Fdb;
        long now = _time.GetTimestamp();
        bool exists = fdb.TryGet(mac, out var current);
        if (exists && change == Switching.FdbChange.Add) return FdbResult.Exists;

        FdbEntry entry;
        if (change == Switching.FdbChange.Append && exists && !current.IsLocal && port is null)
        {
            for (int i = 0; i < current.RemoteCount; i++)
            {
                if (current.RemoteAt(i) == remote) return FdbResult.Exists;
            }
            entry = current;
            entry.MoreRemotes = [.. current.MoreRemotes ?? [], remote];
            entry.Kind = kind;
            entry.Updated = now;
        }
        else
        {
            entry = new FdbEntry
            {
                Mac = mac.Value,
                Port = port?.Index ?? -1,
                Remote = port is null ? remote : default,
                Kind = kind,
                Updated = now,
                Used = now,
            };
        }
        return fdb.Set(entry) ? FdbResult.Ok : FdbResult.Full;
    }

    /// <summary>Deletes a MAC's entry, or only destination <paramref name="remote"/> of it when given.</summary>
    public FdbResult FdbDelete(SwitchNetwork network, MacAddress mac, IpAddr remote)
    {
        if (mac.IsZero)
        {
            var list = network.Fdb.FloodList;
            if (remote.IsNone)
            {
                if (list.Length == 0) return FdbResult.NotFound;
                network.Fdb.SetFloodList([]);
                return FdbResult.Ok;
            }
            if (Array.IndexOf(list, remote) < 0) return FdbResult.NotFound;
            network.Fdb.SetFloodList([.. list.Where(r => r != remote)]);
            return FdbResult.Ok;
        }
        if (!network.Fdb.TryGet(mac, out var current)) return FdbResult.NotFound;
        if (remote.IsNone || current.RemoteCount <= 1)
        {
            if (!remote.IsNone && (current.IsLocal || current.Remote != remote)) return FdbResult.NotFound;
            network.Fdb.Remove(mac);
            return FdbResult.Ok;
        }
        var remotes = Enumerable.Range(0, current.RemoteCount).Select(current.RemoteAt).ToList();
        if (!remotes.Remove(remote)) return FdbResult.NotFound;
        current.Remote = remotes[0];
        current.MoreRemotes = remotes.Count > 1 ? [.. remotes.Skip(1)] : null;
        network.Fdb.Set(current);
        return FdbResult.Ok;
    }

    /// <summary>Removes entries: dynamic only unless <paramref name="includeStatic"/>, optionally only those of
    /// one port or one remote VTEP. The flood list is never flushed (as the kernel keeps the all-zeros entry).</summary>
    public int FdbFlush(SwitchNetwork network, SwitchPort? port, IpAddr remote, bool includeStatic)
    {
        int portIndex = port?.Index ?? -1;
        return network.Fdb.RemoveWhere(e =>
            (includeStatic || e.Kind == FdbEntryKind.Dynamic)
            && (port is null || e.Port == portIndex)
            && (remote.IsNone || (!e.IsLocal && Enumerable.Range(0, e.RemoteCount).Any(i => e.RemoteAt(i) == remote))));
    }

    /// <summary>Every entry of <paramref name="network"/>, flood list first.</summary>
    public List<FdbRecord> FdbShow(SwitchNetwork network)
    {
        long now = _time.GetTimestamp();
        var records = new List<FdbRecord>();
        foreach (var r in network.Fdb.FloodList)
        {
            records.Add(new FdbRecord(network.Vni, network.Name, MacAddress.Zero, null, r, FdbEntryKind.Permanent, null, null));
        }
        foreach (var e in network.Fdb.Snapshot().OrderBy(e => e.Mac))
        {
            var since = _time.GetElapsedTime(e.Updated, now);
            var used = _time.GetElapsedTime(e.Used, now);
            string? portName = e.IsLocal ? _portArray[e.Port].Name : null;
            for (int i = 0; i < Math.Max(1, e.RemoteCount); i++)
            {
                records.Add(new FdbRecord(network.Vni, network.Name, new MacAddress(e.Mac), portName,
                    e.IsLocal ? default : e.RemoteAt(i), e.Kind, since, used));
            }
        }
        return records;
    }

    private FdbResult FloodListChange(SwitchNetwork network, FdbChange change, IpAddr remote, SwitchPort? port)
    {
        if (port is not null) return FdbResult.Invalid;
        var list = network.Fdb.FloodList;
        bool present = Array.IndexOf(list, remote) >= 0;
        switch (change)
        {
            case Switching.FdbChange.Add when list.Length > 0:
                return FdbResult.Exists;
            case Switching.FdbChange.Replace:
                network.Fdb.SetFloodList([remote]);
                return FdbResult.Ok;
            default:
                if (present) return FdbResult.Exists;
                network.Fdb.SetFloodList([.. list, remote]);
                return FdbResult.Ok;
        }
    }
}
