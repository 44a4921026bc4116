namespace Overlay.ControlPlane.Projection;

/// <summary>
/// Keeps the dataplane equal to the desired state by applying only differences, and remembers what it applied.
/// Order within one reconcile: neighbour removals, forwarding removals, forwarding adds/replaces, neighbour
/// adds/replaces, so a proxy answer never names a MAC that has no forwarding entry. A change the sink refuses stays
/// pending and is retried at the next reconcile.
/// </summary>
internal sealed class DataplaneApplier
{
    private readonly IDataplaneSink _sink;
    private readonly ControlPlaneCounters _counters;
    private readonly HashSet<RemoteKey> _pendingRemotes = [];
    private readonly HashSet<NeighbourKey> _pendingNeighbours = [];

    public DataplaneApplier(IDataplaneSink sink, ControlPlaneCounters counters)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(counters);
        _sink = sink;
        _counters = counters;
    }

    /// <summary>What the sink has accepted.</summary>
    public DataplaneState Applied { get; } = new();

    /// <summary>Changes refused by the sink and not yet retried.</summary>
    public int Pending => _pendingRemotes.Count + _pendingNeighbours.Count;

    /// <summary>Applies the difference on the keys that changed, plus the pending ones.</summary>
    public DataplaneDiff Reconcile(DataplaneState desired, IEnumerable<RemoteKey> remoteKeys, IEnumerable<NeighbourKey> neighbourKeys)
    {
        _pendingRemotes.UnionWith(remoteKeys);
        _pendingNeighbours.UnionWith(neighbourKeys);
        DataplaneDiff diff = DataplaneDiff.ForKeys(Applied, desired, _pendingRemotes, _pendingNeighbours);
        _pendingRemotes.Clear();
        _pendingNeighbours.Clear();
        Apply(diff);
        return diff;
    }

    /// <summary>Applies the whole difference.</summary>
    public DataplaneDiff ReconcileAll(DataplaneState desired)
    {
        _pendingRemotes.Clear();
        _pendingNeighbours.Clear();
        DataplaneDiff diff = DataplaneDiff.Between(Applied, desired);
        Apply(diff);
        return diff;
    }

    /// <summary>Forgets what was applied (the switch was reset): the next full reconcile installs everything.</summary>
    public void Forget()
    {
        Applied.Clear();
        _pendingRemotes.Clear();
        _pendingNeighbours.Clear();
    }

    private void Apply(DataplaneDiff diff)
    {
        foreach (NeighbourChange c in diff.Neighbours)
        {
            if (c.Op == DiffOp.Remove)
            {
                Done(_sink.RemoveNeighbour(c.Key.Vni, c.Key.Ip, c.Previous), c);
            }
        }
        foreach (RemoteChange c in diff.Remotes)
        {
            if (c.Op == DiffOp.Remove)
            {
                Done(_sink.RemoveRemote(c.Key.Vni, c.Key.Mac, c.Previous), c);
            }
        }
        foreach (RemoteChange c in diff.Remotes)
        {
            if (c.Op != DiffOp.Remove)
            {
                Done(_sink.SetRemote(c.Key.Vni, c.Key.Mac, c.Vtep), c);
            }
        }
        foreach (NeighbourChange c in diff.Neighbours)
        {
            if (c.Op != DiffOp.Remove)
            {
                Done(_sink.SetNeighbour(c.Key.Vni, c.Key.Ip, c.Mac), c);
            }
        }
    }

    private void Done(bool ok, RemoteChange c)
    {
        _counters.DataplaneOps++;
        if (!ok)
        {
            _counters.SinkFailures++;
            _pendingRemotes.Add(c.Key);
        }
        else if (c.Op == DiffOp.Remove)
        {
            Applied.RemoveRemote(c.Key);
        }
        else
        {
            Applied.SetRemote(c.Key, c.Vtep);
        }
    }

    private void Done(bool ok, NeighbourChange c)
    {
        _counters.DataplaneOps++;
        if (!ok)
        {
            _counters.SinkFailures++;
            _pendingNeighbours.Add(c.Key);
        }
        else if (c.Op == DiffOp.Remove)
        {
            Applied.RemoveNeighbour(c.Key);
        }
        else
        {
            Applied.SetNeighbour(c.Key, c.Mac);
        }
    }
}
