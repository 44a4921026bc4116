using Microsoft.Extensions.Logging;
using Overlay.ControlPlane.Projection;
using Overlay.Daemon.Dataplane;
using Overlay.Dataplane.Switching;
using Overlay.Packets;

namespace Overlay.Daemon.Gossip;

/// <summary>
/// Applies the control plane's endpoint table to the switch: remote endpoints become static forwarding entries
/// (replace semantics, so a learned entry never blocks them) and ARP-proxy neighbours.
/// <para>Changes arrive one call at a time on the gossip thread and are queued; the first one of a batch asks for a
/// <see cref="Flush"/>, which runs on the gossip thread after the work that made the change (a whole push/pull merge,
/// say) and hands everything queued to the switch worker as one command. So N changes cost one worker invoke, and the
/// gossip thread never waits for the switch. The worker runs a batch in order and batches in the order they were
/// flushed (one queue, one thread), so a later change for a key always wins; packets never see half a batch, since
/// commands run between packet batches. With several switch workers the command runs on each one's replica, each in
/// that same order.</para>
/// <para>Each call returns true (queued). A change the switch then refuses (a full forwarding table) is counted
/// (<see cref="Failed"/>), logged with the batch, and reported through <see cref="TakeResyncRequest"/>: the daemon
/// answers with a resync of the whole desired state, as the control plane would retry a refused change.</para>
/// </summary>
public sealed partial class SwitchDataplaneSink : IDataplaneSink
{
    private readonly Func<Action<VxlanSwitch>, bool> _post;
    private readonly Action _requestFlush;
    private readonly ILogger _log;

    // Gossip thread only.
    private List<SwitchChange> _queued = [];
    private bool _flushRequested;

    // Bumped by the switch workers (and by Flush when no switch runs), read by anyone. Summed over the replicas: with
    // several workers a batch counts once per replica it ran on.
    private long _batches;
    private long _applied;
    private long _failed;
    private int _resync;

    /// <param name="post">Hands a command to the switch worker's thread without waiting for it; false when no switch
    /// runs.</param>
    /// <param name="requestFlush">Arranges one call of <see cref="Flush"/> on the gossip thread once it is done with
    /// what it is doing now. Called on the gossip thread, at most once per batch.</param>
    /// <param name="log">Where failed batches are reported.</param>
    public SwitchDataplaneSink(Func<Action<VxlanSwitch>, bool> post, Action requestFlush, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(requestFlush);
        ArgumentNullException.ThrowIfNull(log);
        _post = post;
        _requestFlush = requestFlush;
        _log = log;
    }

    /// <summary>The sink for the daemon's switch: commands go to <paramref name="dataplane"/>'s worker.</summary>
    public static SwitchDataplaneSink For(DataplaneHost dataplane, Action requestFlush, ILogger log) =>
        new(work => PostToWorker(dataplane, work), requestFlush, log);

    /// <summary>Changes queued and not yet flushed.</summary>
    public int Queued => _queued.Count;

    /// <summary>Batches run on a switch replica.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Changes a switch replica applied.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Changes a switch replica refused, or that found no switch to go to.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public bool SetRemote(uint vni, MacAddress mac, IpAddr vtep) =>
        Queue(new SwitchChange(SwitchChange.Kinds.SetRemote, vni, mac, vtep));

    public bool RemoveRemote(uint vni, MacAddress mac, IpAddr vtep) =>
        Queue(new SwitchChange(SwitchChange.Kinds.RemoveRemote, vni, mac, vtep));

    public bool SetNeighbour(uint vni, IpAddr ip, MacAddress mac) =>
        Queue(new SwitchChange(SwitchChange.Kinds.SetNeighbour, vni, mac, ip));

    public bool RemoveNeighbour(uint vni, IpAddr ip, MacAddress mac) =>
        Queue(new SwitchChange(SwitchChange.Kinds.RemoveNeighbour, vni, mac, ip));

    /// <summary>Hands every queued change to the switch worker as one command (nothing when none is queued). Call on
    /// the gossip thread.</summary>
    public void Flush()
    {
        _flushRequested = false;
        if (_queued.Count == 0) return;
        List<SwitchChange> batch = _queued;
        _queued = []; // the batch belongs to the worker from here on
        if (!_post(sw => Apply(sw, batch)))
        {
            Interlocked.Add(ref _failed, batch.Count);
            Volatile.Write(ref _resync, 1);
            LogNoSwitch(batch.Count);
        }
    }

    /// <summary>True once after a change failed: the switch no longer holds what the control plane believes it
    /// applied, so the caller should resync the whole desired state.</summary>
    public bool TakeResyncRequest() => Interlocked.Exchange(ref _resync, 0) != 0;

    private bool Queue(SwitchChange change)
    {
        _queued.Add(change);
        if (!_flushRequested)
        {
            _flushRequested = true;
            _requestFlush();
        }
        return true;
    }

    /// <summary>Runs on a switch worker's thread, on its replica (several workers may run it at once, each on its own;
    /// the batch is only read): every change in order; one that throws or is refused is counted and the rest still
    /// run.</summary>
    private void Apply(VxlanSwitch sw, List<SwitchChange> batch)
    {
        int failed = 0;
        SwitchChange first = default;
        Exception? error = null;
        foreach (SwitchChange change in batch)
        {
            bool ok;
            try
            {
                ok = change.ApplyTo(sw);
            }
            catch (Exception e)
            {
                ok = false;
                error ??= e;
            }
            if (!ok && failed++ == 0) first = change;
        }
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _applied, batch.Count - failed);
        if (failed == 0)
        {
            LogApplied(batch.Count);
            return;
        }
        Interlocked.Add(ref _failed, failed);
        Volatile.Write(ref _resync, 1);
        LogBatchFailed(failed, batch.Count, first.ToString(), error);
    }

    private static bool PostToWorker(DataplaneHost dataplane, Action<VxlanSwitch> work)
    {
        if (dataplane.Worker is not { } workers) return false;
        // One command per worker, each on its own replica. Not awaited: Apply catches what a change throws, so the
        // task only ever completes.
        _ = workers.InvokeAsync(sw =>
        {
            work(sw);
            return true;
        });
        return true;
    }

    [LoggerMessage(40, LogLevel.Debug, "gossip: {Count} switch changes applied in one batch")]
    private partial void LogApplied(int count);

    [LoggerMessage(41, LogLevel.Warning, "gossip: the switch refused {Failed} of {Count} changes of a batch (first: {First}); the endpoint table will be applied again")]
    private partial void LogBatchFailed(int failed, int count, string first, Exception? error);

    [LoggerMessage(44, LogLevel.Warning, "gossip: no switch runs to apply {Count} changes; the endpoint table will be applied again")]
    private partial void LogNoSwitch(int count);
}
