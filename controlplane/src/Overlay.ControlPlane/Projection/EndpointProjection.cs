using Overlay.ControlPlane.Endpoints;

namespace Overlay.ControlPlane.Projection;

/// <summary>
/// The desired dataplane state of an <see cref="EndpointTable"/>, kept up to date incrementally: a change marks the
/// MACs and IPs it touches, <see cref="Flush"/> re-decides only those.
/// <para>The rule, per network: among the live records whose owner is alive (in its current life), the greatest
/// claim (<see cref="RecordOrder.CompareClaims"/>) on a MAC wins the MAC; among the MAC winners, the greatest claim
/// on an IP wins the IP. Winners owned by this node are local ports and produce no entry. Tombstones claim
/// nothing. The result depends only on the table and the liveness view, never on the order news arrived in.</para>
/// </summary>
internal sealed class EndpointProjection
{
    private readonly string _self;
    private readonly IReadOnlyDictionary<EndpointKey, EndpointRecord> _records;
    private readonly Func<EndpointRecord, bool> _eligible;
    private readonly Dictionary<RemoteKey, HashSet<EndpointKey>> _byMac = [];
    private readonly Dictionary<NeighbourKey, HashSet<EndpointKey>> _byIp = [];
    private readonly Dictionary<RemoteKey, EndpointRecord> _macWinners = [];
    private readonly HashSet<RemoteKey> _dirtyMacs = [];
    private readonly HashSet<NeighbourKey> _dirtyIps = [];
    private readonly HashSet<RemoteKey> _touchedRemotes = [];
    private readonly HashSet<NeighbourKey> _touchedNeighbours = [];

    public EndpointProjection(string self, IReadOnlyDictionary<EndpointKey, EndpointRecord> records, Func<EndpointRecord, bool> eligible)
    {
        _self = self;
        _records = records;
        _eligible = eligible;
    }

    public DataplaneState Desired { get; } = new();

    /// <summary>The table replaced <paramref name="old"/> by <paramref name="now"/> (either may be null).</summary>
    public void Replace(EndpointRecord? old, EndpointRecord? now)
    {
        if (old is { Deleted: false })
        {
            Unindex(old);
            MarkDirty(old);
        }
        if (now is { Deleted: false })
        {
            Index(now);
            MarkDirty(now);
        }
    }

    /// <summary>The record's eligibility may have changed (its owner's liveness did).</summary>
    public void Invalidate(EndpointRecord record)
    {
        if (!record.Deleted)
        {
            MarkDirty(record);
        }
    }

    /// <summary>Whether <paramref name="record"/> currently holds its MAC.</summary>
    public bool HoldsMac(EndpointRecord record) =>
        _macWinners.TryGetValue(new RemoteKey(record.Vni, record.Mac), out EndpointRecord? w) && ReferenceEquals(w, record);

    /// <summary>Re-decides every marked MAC, then every marked IP.</summary>
    public void Flush()
    {
        foreach (RemoteKey mac in _dirtyMacs)
        {
            DecideMac(mac);
        }
        _dirtyMacs.Clear();
        foreach (NeighbourKey ip in _dirtyIps)
        {
            DecideIp(ip);
        }
        _dirtyIps.Clear();
    }

    /// <summary>Moves the keys whose desired value changed since the last call into the lists.</summary>
    public void TakeTouched(List<RemoteKey> remotes, List<NeighbourKey> neighbours)
    {
        remotes.AddRange(_touchedRemotes);
        neighbours.AddRange(_touchedNeighbours);
        _touchedRemotes.Clear();
        _touchedNeighbours.Clear();
    }

    private void DecideMac(RemoteKey mac)
    {
        EndpointRecord? winner = null;
        if (_byMac.TryGetValue(mac, out HashSet<EndpointKey>? claims))
        {
            foreach (EndpointKey key in claims)
            {
                EndpointRecord r = _records[key];
                if (_eligible(r) && (winner is null || RecordOrder.CompareClaims(r, winner) > 0))
                {
                    winner = r;
                }
            }
        }
        _macWinners.TryGetValue(mac, out EndpointRecord? old);
        if (!ReferenceEquals(old, winner))
        {
            if (old is not null)
            {
                MarkIpsDirty(old);
            }
            if (winner is null)
            {
                _macWinners.Remove(mac);
            }
            else
            {
                _macWinners[mac] = winner;
                MarkIpsDirty(winner);
            }
        }
        bool changed = winner is not null && !IsSelf(winner)
            ? Desired.SetRemote(mac, winner.Vtep)
            : Desired.RemoveRemote(mac);
        if (changed)
        {
            _touchedRemotes.Add(mac);
        }
    }

    private void DecideIp(NeighbourKey ip)
    {
        EndpointRecord? winner = null;
        if (_byIp.TryGetValue(ip, out HashSet<EndpointKey>? claims))
        {
            foreach (EndpointKey key in claims)
            {
                EndpointRecord r = _records[key];
                if (HoldsMac(r) && (winner is null || RecordOrder.CompareClaims(r, winner) > 0))
                {
                    winner = r;
                }
            }
        }
        bool changed = winner is not null && !IsSelf(winner)
            ? Desired.SetNeighbour(ip, winner.Mac)
            : Desired.RemoveNeighbour(ip);
        if (changed)
        {
            _touchedNeighbours.Add(ip);
        }
    }

    private bool IsSelf(EndpointRecord r) => string.Equals(r.Owner, _self, StringComparison.Ordinal);

    private void Index(EndpointRecord r)
    {
        var mac = new RemoteKey(r.Vni, r.Mac);
        if (!_byMac.TryGetValue(mac, out HashSet<EndpointKey>? macClaims))
        {
            _byMac[mac] = macClaims = [];
        }
        macClaims.Add(r.Key);
        foreach (var address in r.Addresses)
        {
            var ip = new NeighbourKey(r.Vni, address);
            if (!_byIp.TryGetValue(ip, out HashSet<EndpointKey>? ipClaims))
            {
                _byIp[ip] = ipClaims = [];
            }
            ipClaims.Add(r.Key);
        }
    }

    private void Unindex(EndpointRecord r)
    {
        var mac = new RemoteKey(r.Vni, r.Mac);
        if (_byMac.TryGetValue(mac, out HashSet<EndpointKey>? macClaims) && macClaims.Remove(r.Key) && macClaims.Count == 0)
        {
            _byMac.Remove(mac);
        }
        foreach (var address in r.Addresses)
        {
            var ip = new NeighbourKey(r.Vni, address);
            if (_byIp.TryGetValue(ip, out HashSet<EndpointKey>? ipClaims) && ipClaims.Remove(r.Key) && ipClaims.Count == 0)
            {
                _byIp.Remove(ip);
            }
        }
    }

    private void MarkDirty(EndpointRecord r)
    {
        _dirtyMacs.Add(new RemoteKey(r.Vni, r.Mac));
        MarkIpsDirty(r);
    }

    private void MarkIpsDirty(EndpointRecord r)
    {
        foreach (var address in r.Addresses)
        {
            _dirtyIps.Add(new NeighbourKey(r.Vni, address));
        }
    }
}
