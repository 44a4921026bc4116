using System.Globalization;
using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Projection;
using Overlay.ControlPlane.Wire;
using Overlay.Gossip;
using Overlay.Gossip.Membership;
using Overlay.Packets;

namespace Overlay.ControlPlane;

/// <summary>
/// Wires an <see cref="EndpointTable"/> to gossip and to the dataplane: our writes and the news we merge are
/// broadcast under the key <c>ep/&lt;vni&gt;/&lt;endpoint id&gt;</c> (so newer news about an endpoint replaces
/// older news still queued), push/pull carries the whole table, membership feeds owner liveness, and after every
/// change only the difference is applied to the <see cref="IDataplaneSink"/>. Every member is called on the
/// gossip node's thread, like the node itself.
/// </summary>
public sealed class EndpointGossip : IGossipDelegate
{
    private readonly EndpointTable _table;
    private readonly DataplaneApplier _applier;
    private readonly Action<string, byte[]> _broadcast;
    private readonly List<RemoteKey> _touchedRemotes = [];
    private readonly List<NeighbourKey> _touchedNeighbours = [];
    private DateTimeOffset _nextCollect;

    /// <param name="table">The node's endpoint table.</param>
    /// <param name="sink">The dataplane.</param>
    /// <param name="broadcast">Queues a gossip broadcast (the daemon passes <see cref="GossipNode.Broadcast"/>).</param>
    /// <param name="time">The clock the table was made with. Every time here is read from the table's clock
    /// (<see cref="EndpointTable.Now"/>, monotonic), so tombstone ages and collection ignore wall-clock steps.</param>
    public EndpointGossip(EndpointTable table, IDataplaneSink sink, Action<string, byte[]> broadcast, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(broadcast);
        ArgumentNullException.ThrowIfNull(time);
        _table = table;
        _broadcast = broadcast;
        _applier = new DataplaneApplier(sink, table.Counters);
        _nextCollect = table.Now + table.Options.CollectInterval;
    }

    public EndpointTable Table => _table;

    public ControlPlaneCounters Counters => _table.Counters;

    /// <summary>What the sink has accepted so far.</summary>
    public DataplaneState Applied => _applier.Applied;

    /// <summary>Dataplane changes the sink refused, to be retried.</summary>
    public int PendingDataplaneChanges => _applier.Pending;

    /// <summary>Publishes one of our endpoints and tells the cluster. Returns the record written, or null when
    /// nothing changed.</summary>
    public EndpointRecord? Publish(uint vni, string networkName, string endpointId, MacAddress mac, IReadOnlyList<IpAddr> addresses, IpAddr vtep)
    {
        EndpointRecord? record = _table.Publish(vni, networkName, endpointId, mac, addresses, vtep);
        if (record is not null)
        {
            Send(record, local: true);
            Reconcile();
        }
        return record;
    }

    /// <summary>Withdraws one of our endpoints and tells the cluster. Returns the tombstone, or null.</summary>
    public EndpointRecord? Withdraw(uint vni, string endpointId)
    {
        EndpointRecord? tombstone = _table.Withdraw(vni, endpointId);
        if (tombstone is not null)
        {
            Send(tombstone, local: true);
            Reconcile();
        }
        return tombstone;
    }

    /// <summary>Periodic work (the daemon calls it every few seconds): collects what expired and retries the
    /// dataplane changes the sink refused.</summary>
    public void Maintain()
    {
        _nextCollect = DateTimeOffset.MinValue;
        Reconcile();
    }

    /// <summary>The switch lost its entries (or may have drifted): forget what was applied and install the whole
    /// desired state again.</summary>
    public DataplaneDiff Resync()
    {
        _touchedRemotes.Clear();
        _touchedNeighbours.Clear();
        _table.TakeTouched(_touchedRemotes, _touchedNeighbours);
        _applier.Forget();
        return _applier.ReconcileAll(_table.Desired);
    }

    /// <summary>Our boot id, so members can tell our records from those of an earlier life of ours.</summary>
    public byte[]? NodeMeta(int limit) => limit >= NodeMetaCodec.Size ? NodeMetaCodec.Encode(_table.BootId) : null;

    public void NotifyUserMessage(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        DecodeStatus status = EndpointCodec.TryDecodeRecord(payload, _table.Now, out EndpointRecord? record);
        if (status != DecodeStatus.Ok)
        {
            Counters.DecodeFailed(status);
            return;
        }
        MergeResult result = _table.Merge(record!);
        if (result.Broadcast is { } news)
        {
            Send(news, local: result.Outcome != MergeOutcome.Applied);
        }
        Reconcile();
    }

    /// <summary>The whole table, in key order: the same table always encodes the same way, so a run replays
    /// exactly (string hashes, and with them dictionary order, differ from process to process).</summary>
    public byte[]? LocalState(bool join) => EndpointCodec.EncodeTable(InKeyOrder(_table.Records), _table.Now);

    /// <summary>Merges a peer's whole table. Our refutations are broadcast. Outside joins, so is the news (as if
    /// it had come by gossip), and so are our live records the peer lacked or held older copies of: a periodic
    /// exchange that finds news has found something gossip missed (a partition that healed, a member cut off for
    /// a while), which the rest of the cluster may lack too, and passing it on spreads it in one dissemination
    /// instead of exchange by exchange (and brings a stale copy to its owner's notice, to be refuted, as fast).
    /// News learned in a join is not passed on: a joiner would otherwise re-broadcast the whole cluster.</summary>
    public void MergeRemoteState(byte[] state, bool join)
    {
        ArgumentNullException.ThrowIfNull(state);
        DecodeStatus status = EndpointCodec.TryDecodeTable(state, _table.Now, out List<EndpointRecord>? records);
        if (status != DecodeStatus.Ok)
        {
            Counters.DecodeFailed(status);
            return;
        }
        var peerKeys = join ? null : new HashSet<EndpointKey>();
        foreach (EndpointRecord record in records!)
        {
            peerKeys?.Add(record.Key);
            MergeResult result = _table.Merge(record);
            if (result.Broadcast is not { } answer)
            {
                continue;
            }
            if (result.Outcome != MergeOutcome.Applied)
            {
                if (result.Outcome == MergeOutcome.Unchanged)
                {
                    Counters.OwnerRepairs++;
                }
                Send(answer, local: true);
            }
            else if (!join)
            {
                Send(answer, local: false);
            }
        }
        if (peerKeys is not null)
        {
            foreach (EndpointRecord mine in InKeyOrder(_table.LocalEndpoints()))
            {
                if (!peerKeys.Contains(mine.Key))
                {
                    Counters.OwnerRepairs++;
                    Send(mine, local: true);
                }
            }
        }
        Reconcile();
    }

    public void NotifyJoin(in Member member)
    {
        _table.SetOwnerAlive(member.Name, BootOf(member));
        Reconcile();
    }

    public void NotifyUpdate(in Member member)
    {
        _table.SetOwnerAlive(member.Name, BootOf(member));
        Reconcile();
    }

    public void NotifyLeave(in Member member)
    {
        _table.SetOwnerGone(member.Name);
        Reconcile();
    }

    /// <summary>A member whose metadata is ours keeps an endpoint table: worth a direct exchange when it is new.</summary>
    public bool SharesState(in Member member) => NodeMetaCodec.IsOurs(member.Meta);

    /// <summary>The broadcast key of an endpoint: newer news about it replaces older news still queued.</summary>
    public static string BroadcastKey(EndpointKey key) =>
        string.Create(CultureInfo.InvariantCulture, $"ep/{key.Vni}/{key.EndpointId}");

    private static EndpointRecord[] InKeyOrder(IEnumerable<EndpointRecord> records) =>
        [.. records.OrderBy(r => r.Vni).ThenBy(r => r.EndpointId, StringComparer.Ordinal)];

    private ulong BootOf(in Member member)
    {
        if (!NodeMetaCodec.TryDecode(member.Meta, out ulong boot))
        {
            Counters.MetaDecodeFailures++;
        }
        return boot;
    }

    private void Send(EndpointRecord record, bool local)
    {
        if (local)
        {
            Counters.LocalBroadcasts++;
        }
        else
        {
            Counters.Rebroadcasts++;
        }
        _broadcast(BroadcastKey(record.Key), EndpointCodec.EncodeRecord(record, _table.Now));
    }

    /// <summary>Collects when due, then applies what changed (and what the sink refused before).</summary>
    private void Reconcile()
    {
        if (_table.Now >= _nextCollect)
        {
            _table.Collect();
            _nextCollect = _table.Now + _table.Options.CollectInterval;
        }
        _touchedRemotes.Clear();
        _touchedNeighbours.Clear();
        _table.TakeTouched(_touchedRemotes, _touchedNeighbours);
        _applier.Reconcile(_table.Desired, _touchedRemotes, _touchedNeighbours);
    }
}
