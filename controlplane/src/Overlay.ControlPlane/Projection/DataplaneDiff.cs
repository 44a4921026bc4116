using Overlay.Packets;

namespace Overlay.ControlPlane.Projection;

/// <summary>The operations that turn an applied <see cref="DataplaneState"/> into a desired one: an add for an
/// entry only desired, a replace for one whose value differs, a remove for one only applied, nothing for the rest.
/// </summary>
public sealed class DataplaneDiff
{
    private DataplaneDiff(List<RemoteChange> remotes, List<NeighbourChange> neighbours)
    {
        Remotes = remotes;
        Neighbours = neighbours;
    }

    public IReadOnlyList<RemoteChange> Remotes { get; }

    public IReadOnlyList<NeighbourChange> Neighbours { get; }

    public int Count => Remotes.Count + Neighbours.Count;

    public bool IsEmpty => Count == 0;

    /// <summary>The whole difference (a full resync).</summary>
    public static DataplaneDiff Between(DataplaneState applied, DataplaneState desired)
    {
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentNullException.ThrowIfNull(desired);
        var remoteKeys = new HashSet<RemoteKey>(applied.Remotes.Keys);
        remoteKeys.UnionWith(desired.Remotes.Keys);
        var neighbourKeys = new HashSet<NeighbourKey>(applied.Neighbours.Keys);
        neighbourKeys.UnionWith(desired.Neighbours.Keys);
        return ForKeys(applied, desired, remoteKeys, neighbourKeys);
    }

    /// <summary>The difference restricted to the given keys (those that may have changed).</summary>
    public static DataplaneDiff ForKeys(
        DataplaneState applied,
        DataplaneState desired,
        IEnumerable<RemoteKey> remoteKeys,
        IEnumerable<NeighbourKey> neighbourKeys)
    {
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentNullException.ThrowIfNull(desired);
        var remotes = new List<RemoteChange>();
        foreach (RemoteKey key in remoteKeys)
        {
            bool has = applied.Remotes.TryGetValue(key, out IpAddr was);
            bool wants = desired.Remotes.TryGetValue(key, out IpAddr vtep);
            if (wants && !has)
            {
                remotes.Add(new RemoteChange(DiffOp.Add, key, vtep, IpAddr.None));
            }
            else if (wants && was != vtep)
            {
                remotes.Add(new RemoteChange(DiffOp.Replace, key, vtep, was));
            }
            else if (!wants && has)
            {
                remotes.Add(new RemoteChange(DiffOp.Remove, key, IpAddr.None, was));
            }
        }
        var neighbours = new List<NeighbourChange>();
        foreach (NeighbourKey key in neighbourKeys)
        {
            bool has = applied.Neighbours.TryGetValue(key, out MacAddress was);
            bool wants = desired.Neighbours.TryGetValue(key, out MacAddress mac);
            if (wants && !has)
            {
                neighbours.Add(new NeighbourChange(DiffOp.Add, key, mac, MacAddress.Zero));
            }
            else if (wants && was != mac)
            {
                neighbours.Add(new NeighbourChange(DiffOp.Replace, key, mac, was));
            }
            else if (!wants && has)
            {
                neighbours.Add(new NeighbourChange(DiffOp.Remove, key, MacAddress.Zero, was));
            }
        }
        return new DataplaneDiff(remotes, neighbours);
    }
}
