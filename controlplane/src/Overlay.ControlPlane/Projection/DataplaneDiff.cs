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
            if (Compare(applied.Remotes, desired.Remotes, key, out var op, out IpAddr vtep, out IpAddr was))
                remotes.Add(new RemoteChange(op, key, vtep, was));
        }
        var neighbours = new List<NeighbourChange>();
        foreach (NeighbourKey key in neighbourKeys)
        {
            if (Compare(applied.Neighbours, desired.Neighbours, key, out var op, out MacAddress mac, out MacAddress was))
                neighbours.Add(new NeighbourChange(op, key, mac, was));
        }
        return new DataplaneDiff(remotes, neighbours);
    }

    /// <summary>What turns <paramref name="applied"/>'s value of <paramref name="key"/> into
    /// <paramref name="desired"/>'s: add, replace or remove (the absent side's value stays default); false when
    /// nothing changes.</summary>
    private static bool Compare<TKey, TValue>(IReadOnlyDictionary<TKey, TValue> applied, IReadOnlyDictionary<TKey, TValue> desired,
        TKey key, out DiffOp op, out TValue value, out TValue was)
        where TValue : IEquatable<TValue>
    {
        bool has = applied.TryGetValue(key, out was!);
        bool wants = desired.TryGetValue(key, out value!);
        if (wants && !has) op = DiffOp.Add;
        else if (wants && !was.Equals(value)) op = DiffOp.Replace;
        else if (!wants && has) op = DiffOp.Remove;
        else
        {
            op = default;
            return false;
        }
        return true;
    }
}
