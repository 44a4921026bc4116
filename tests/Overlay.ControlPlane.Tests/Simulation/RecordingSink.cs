using Overlay.ControlPlane.Projection;
using Overlay.Packets;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>A dataplane that remembers its entries and every call, and can be told to refuse calls.</summary>
internal sealed class RecordingSink : IDataplaneSink
{
    public Dictionary<RemoteKey, IpAddr> Remotes { get; } = [];

    public Dictionary<NeighbourKey, MacAddress> Neighbours { get; } = [];

    public List<string> Log { get; } = [];

    /// <summary>Calls for these VNIs return false and change nothing.</summary>
    public HashSet<uint> RefusedVnis { get; } = [];

    public bool SetRemote(uint vni, MacAddress mac, IpAddr vtep)
    {
        Log.Add($"set-remote {vni} {mac} {vtep}");
        if (RefusedVnis.Contains(vni))
        {
            return false;
        }
        Remotes[new RemoteKey(vni, mac)] = vtep;
        return true;
    }

    public bool RemoveRemote(uint vni, MacAddress mac, IpAddr vtep)
    {
        Log.Add($"remove-remote {vni} {mac} {vtep}");
        if (RefusedVnis.Contains(vni))
        {
            return false;
        }
        var key = new RemoteKey(vni, mac);
        if (Remotes.TryGetValue(key, out IpAddr current) && current == vtep)
        {
            Remotes.Remove(key);
        }
        return true;
    }

    public bool SetNeighbour(uint vni, IpAddr ip, MacAddress mac)
    {
        Log.Add($"set-neigh {vni} {ip} {mac}");
        if (RefusedVnis.Contains(vni))
        {
            return false;
        }
        Neighbours[new NeighbourKey(vni, ip)] = mac;
        return true;
    }

    public bool RemoveNeighbour(uint vni, IpAddr ip, MacAddress mac)
    {
        Log.Add($"remove-neigh {vni} {ip} {mac}");
        if (RefusedVnis.Contains(vni))
        {
            return false;
        }
        var key = new NeighbourKey(vni, ip);
        if (Neighbours.TryGetValue(key, out MacAddress current) && current == mac)
        {
            Neighbours.Remove(key);
        }
        return true;
    }

    /// <summary>Holds exactly the entries of <paramref name="state"/>.</summary>
    public bool Matches(DataplaneState state) =>
        Remotes.Count == state.Remotes.Count
        && Neighbours.Count == state.Neighbours.Count
        && Remotes.All(e => state.Remotes.TryGetValue(e.Key, out IpAddr v) && v == e.Value)
        && Neighbours.All(e => state.Neighbours.TryGetValue(e.Key, out MacAddress m) && m == e.Value);
}
