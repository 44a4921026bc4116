using Overlay.Packets;

namespace Overlay.ControlPlane.Projection;

/// <summary>
/// Remote forwarding entries (MAC -> VTEP) and proxy neighbours (IP -> MAC) of every network: what the control
/// plane wants installed (<see cref="Endpoints.EndpointTable.Desired"/>) or believes it has installed (the
/// applier's copy). Owned by the control plane's thread; read it there.
/// </summary>
public sealed class DataplaneState
{
    private readonly Dictionary<RemoteKey, IpAddr> _remotes = [];
    private readonly Dictionary<NeighbourKey, MacAddress> _neighbours = [];

    public IReadOnlyDictionary<RemoteKey, IpAddr> Remotes => _remotes;

    public IReadOnlyDictionary<NeighbourKey, MacAddress> Neighbours => _neighbours;

    public int Count => _remotes.Count + _neighbours.Count;

    /// <summary>Same entries with the same values.</summary>
    public bool SameAs(DataplaneState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (_remotes.Count != other._remotes.Count || _neighbours.Count != other._neighbours.Count)
        {
            return false;
        }
        foreach (var (key, vtep) in _remotes)
        {
            if (!other._remotes.TryGetValue(key, out IpAddr v) || v != vtep)
            {
                return false;
            }
        }
        foreach (var (key, mac) in _neighbours)
        {
            if (!other._neighbours.TryGetValue(key, out MacAddress m) || m != mac)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Sets an entry; returns whether that changed anything.</summary>
    internal bool SetRemote(RemoteKey key, IpAddr vtep)
    {
        if (_remotes.TryGetValue(key, out IpAddr current) && current == vtep)
        {
            return false;
        }
        _remotes[key] = vtep;
        return true;
    }

    internal bool RemoveRemote(RemoteKey key) => _remotes.Remove(key);

    internal bool SetNeighbour(NeighbourKey key, MacAddress mac)
    {
        if (_neighbours.TryGetValue(key, out MacAddress current) && current == mac)
        {
            return false;
        }
        _neighbours[key] = mac;
        return true;
    }

    internal bool RemoveNeighbour(NeighbourKey key) => _neighbours.Remove(key);

    internal void Clear()
    {
        _remotes.Clear();
        _neighbours.Clear();
    }
}
