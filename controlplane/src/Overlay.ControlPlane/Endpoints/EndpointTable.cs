using System.Collections.Immutable;
using Overlay.ControlPlane.Projection;
using Overlay.ControlPlane.Wire;
using Overlay.Packets;

namespace Overlay.ControlPlane.Endpoints;

/// <summary>
/// Every endpoint of the overlay as gossip spreads it: ours (published and withdrawn here) and everyone else's
/// (merged from broadcasts and push/pull), tombstones included, plus the desired dataplane state derived from
/// them. Single-threaded: call it from the gossip node's thread only.
/// <list type="bullet">
/// <item>One record per key (network, endpoint id); a newer write (<see cref="RecordOrder.CompareWrites"/>)
/// replaces an older one, an equal one is a no-op, so merging is order-independent and idempotent.</item>
/// <item>Versions are hybrid logical clock times: every write of ours is above every version this table has seen
/// (Lamport) and at least the table's clock in milliseconds shifted left by <see cref="CounterBits"/>. The wall
/// part is what puts a restarted owner's first write above its earlier life's last one, although the new process
/// starts knowing nothing: the earlier life wrote at most at its own time (plus the skew of the clocks it heard
/// from), the new one writes at a later time. Learning the old versions from the cluster before publishing is not
/// enough: a node whose only seed keeps no endpoint table (a plain memberlist member) learns nothing at join. Nor
/// is ordering equal versions by boot id: boot ids are random, so the old life would win half the time. Where
/// clocks are skewed by more than the restart took, the earlier life's copy can still win; its owner refutes it
/// when it sees it (a push/pull, or the direct exchange with a new peer), as before.</item>
/// <item>Only the owner writes its records. A record that names us as owner but that we did not write in this life
/// is answered with what we hold, written again above it (a refutation, as memberlist refutes suspicion).</item>
/// <item>Records of dead, departed or not yet announced owners are kept but suspended; they are dropped when the
/// owner stays away longer than the options allow.</item>
/// </list>
/// </summary>
public sealed partial class EndpointTable
{
    /// <summary>The largest version accepted (a far-future version from a broken peer must not exhaust the
    /// clock).</summary>
    public const ulong MaxVersion = 1UL << 62;

    /// <summary>Low bits of a version that count writes within one millisecond (65,536 before the clock runs
    /// ahead of time); the bits above hold Unix milliseconds, which stay below <see cref="MaxVersion"/> until
    /// about the year 2200.</summary>
    public const int CounterBits = 16;

    private readonly Dictionary<EndpointKey, EndpointRecord> _records = [];
    private readonly Dictionary<string, HashSet<EndpointKey>> _byOwner = new(StringComparer.Ordinal);
    private readonly EndpointProjection _projection;
    private readonly EndpointTableOptions _options;
    private readonly TimeProvider _time;
    private readonly long _originTimestamp;
    private readonly DateTimeOffset _wallAtOrigin;
    private ulong _clock;

    public EndpointTable(string nodeName, ulong bootId, EndpointTableOptions options, TimeProvider time, ControlPlaneCounters? counters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (bootId == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bootId), "a boot id is a non-zero number chosen afresh at every start");
        }
        if (!RecordLimits.FitsString(nodeName, allowEmpty: false))
        {
            throw new ArgumentException($"node name '{nodeName}' is longer than {RecordLimits.MaxStringBytes} UTF-8 bytes", nameof(nodeName));
        }
        options.Validate();
        NodeName = nodeName;
        BootId = bootId;
        _options = options;
        _time = time;
        _originTimestamp = time.GetTimestamp();
        _wallAtOrigin = time.GetUtcNow();
        Counters = counters ?? new ControlPlaneCounters();
        _projection = new EndpointProjection(nodeName, _records, IsEligible);
    }

    /// <summary>Raised when a newer write by another node replaces one of our live records: the endpoint was
    /// published elsewhere (it moved). Arguments: our record, the one that replaced it.</summary>
    public event Action<EndpointRecord, EndpointRecord>? LocalEndpointSuperseded;

    /// <summary>Our gossip name: the owner of the records we publish.</summary>
    public string NodeName { get; }

    /// <summary>This process's boot id, stamped on our records and announced in our gossip metadata.</summary>
    public ulong BootId { get; }

    /// <summary>The Lamport clock: the highest version written or seen.</summary>
    public ulong Clock => _clock;

    public EndpointTableOptions Options => _options;

    public ControlPlaneCounters Counters { get; }

    /// <summary>Every record, tombstones and suspended records included.</summary>
    public IReadOnlyCollection<EndpointRecord> Records => _records.Values;

    public int Count => _records.Count;

    /// <summary>What the dataplane should hold now. Updated by every call that changes the table.</summary>
    public DataplaneState Desired => _projection.Desired;

    public bool TryGet(uint vni, string endpointId, out EndpointRecord record) =>
        _records.TryGetValue(new EndpointKey(vni, endpointId), out record!);

    /// <summary>Our live endpoints.</summary>
    public IEnumerable<EndpointRecord> LocalEndpoints()
    {
        if (_byOwner.TryGetValue(NodeName, out HashSet<EndpointKey>? keys))
        {
            foreach (EndpointKey key in keys)
            {
                EndpointRecord r = _records[key];
                if (!r.Deleted)
                {
                    yield return r;
                }
            }
        }
    }

    /// <summary>Our live endpoints whose MAC a newer claim from another node holds (a duplicate MAC, or an endpoint
    /// recreated elsewhere while ours was not withdrawn): the daemon should look at them.</summary>
    public IEnumerable<EndpointRecord> ShadowedLocalEndpoints()
    {
        foreach (EndpointRecord r in LocalEndpoints())
        {
            if (!_projection.HoldsMac(r))
            {
                yield return r;
            }
        }
    }

    /// <summary>Publishes (or updates) one of our endpoints. Returns the record to broadcast, or null when we
    /// already publish exactly this. Throws <see cref="ArgumentException"/> for values no record may hold.</summary>
    public EndpointRecord? Publish(uint vni, string networkName, string endpointId, MacAddress mac, IReadOnlyList<IpAddr> addresses, IpAddr vtep)
    {
        ArgumentNullException.ThrowIfNull(networkName);
        ArgumentNullException.ThrowIfNull(endpointId);
        ArgumentNullException.ThrowIfNull(addresses);
        var wanted = new EndpointRecord(vni, networkName, endpointId, mac, ImmutableArray.CreateRange(addresses), vtep, NodeName, BootId, version: 1);
        DecodeStatus fit = RecordLimits.Check(wanted);
        if (fit != DecodeStatus.Ok)
        {
            throw new ArgumentException($"endpoint {wanted.Key} cannot be published: {fit}", nameof(endpointId));
        }
        _records.TryGetValue(wanted.Key, out EndpointRecord? current);
        if (current is { Deleted: false } && IsSelf(current.Owner) && current.SameContent(wanted))
        {
            return null;
        }
        EndpointRecord record = wanted.Rewrite(NodeName, BootId, NextVersion());
        Store(current, record);
        _projection.Flush();
        return record;
    }

    /// <summary>Withdraws one of our endpoints. Returns the tombstone to broadcast, or null when we do not
    /// publish that endpoint.</summary>
    public EndpointRecord? Withdraw(uint vni, string endpointId)
    {
        ArgumentNullException.ThrowIfNull(endpointId);
        if (!_records.TryGetValue(new EndpointKey(vni, endpointId), out EndpointRecord? current)
            || current.Deleted
            || !IsSelf(current.Owner))
        {
            return null;
        }
        EndpointRecord tombstone = current.Tombstone(NodeName, BootId, NextVersion(), Now);
        Store(current, tombstone);
        _projection.Flush();
        return tombstone;
    }

    /// <summary>Moves the keys whose desired value changed since the last call into the lists.</summary>
    internal void TakeTouched(List<RemoteKey> remotes, List<NeighbourKey> neighbours) =>
        _projection.TakeTouched(remotes, neighbours);

    /// <summary>The table's clock: the wall time when the table was created, advanced by the monotonic clock
    /// (<see cref="TimeProvider.GetTimestamp"/>). Tombstone times, owner liveness times and the ages sent on the
    /// wire are all on it, so a step of the wall clock neither collects a tombstone early (nor keeps it late) nor
    /// ages the tombstones we send; it only leaves these times off by the step.</summary>
    public DateTimeOffset Now => _wallAtOrigin + _time.GetElapsedTime(_originTimestamp);

    private bool IsSelf(string owner) => string.Equals(owner, NodeName, StringComparison.Ordinal);

    private ulong NextVersion()
    {
        if (_clock >= MaxVersion)
        {
            throw new InvalidOperationException($"the endpoint table's clock reached its limit ({MaxVersion})");
        }
        _clock = Math.Max(_clock + 1, WallVersion(Now));
        return _clock;
    }

    /// <summary>The smallest version written at <paramref name="at"/>: its Unix milliseconds, shifted above the
    /// counter bits (0 before 1970; capped below <see cref="MaxVersion"/>).</summary>
    public static ulong WallVersion(DateTimeOffset at)
    {
        long ms = at.ToUnixTimeMilliseconds();
        if (ms <= 0)
        {
            return 0;
        }
        return Math.Min((ulong)ms << CounterBits, MaxVersion - (1UL << CounterBits));
    }

    /// <summary>Puts <paramref name="now"/> in place of <paramref name="old"/> (the record at its key, or null).</summary>
    private void Store(EndpointRecord? old, EndpointRecord now)
    {
        _records[now.Key] = now;
        if (old is not null && !string.Equals(old.Owner, now.Owner, StringComparison.Ordinal))
        {
            RemoveFromOwner(old);
        }
        if (!_byOwner.TryGetValue(now.Owner, out HashSet<EndpointKey>? keys))
        {
            _byOwner[now.Owner] = keys = [];
        }
        keys.Add(now.Key);
        _projection.Replace(old, now);
    }

    private void Remove(EndpointRecord old)
    {
        _records.Remove(old.Key);
        RemoveFromOwner(old);
        _projection.Replace(old, null);
    }

    private void RemoveFromOwner(EndpointRecord old)
    {
        if (_byOwner.TryGetValue(old.Owner, out HashSet<EndpointKey>? keys) && keys.Remove(old.Key) && keys.Count == 0)
        {
            _byOwner.Remove(old.Owner);
        }
    }
}
