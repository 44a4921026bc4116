using System.Collections.Frozen;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Counters;
using Overlay.Dataplane.Offload;
using Overlay.Dataplane.Ports;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;

namespace Overlay.Dataplane.Switching;

/// <summary>
/// The switch of one worker: local ports (inside) and the underlay (outside), networks keyed by VNI, each with
/// its forwarding table. Runs to completion on the worker's thread: a batch in, frames switched, encapsulated
/// or decapsulated in place, output batches flushed when full and at the end of every batch.
/// Not thread-safe: one writer. The control path reaches it through the worker's command queue.
/// </summary>
public sealed partial class VxlanSwitch
{
    private readonly PacketBufferPool _pool;
    private readonly VxlanEncapsulator _encap;
    private readonly IOutsidePort _outside;
    /// <summary>The outside as a carrier of whole super-frames, when it is one.</summary>
    private readonly ISuperFrameOutside? _superOutside;
    private readonly GsoSegmenter _segmenter;
    /// <summary>Where a super-frame that must be split is segmented: 64 KB in segments of at least 512 bytes.</summary>
    private readonly PacketBatch _segments = new(128);
    private readonly TimeProvider _time;
    private readonly PacketBatch _underlayTx;
    private readonly List<SwitchNetwork> _networks = [];
    private readonly List<SwitchPort> _ports = [];
    private FrozenDictionary<uint, SwitchNetwork> _byVni = FrozenDictionary<uint, SwitchNetwork>.Empty;
    private SwitchPort[] _portArray = [];
    private readonly IpAddr[] _ownAddresses;
    private readonly int _batchSize;
    /// <summary>Ports with frames waiting in their transmit batch.</summary>
    private readonly int[] _dirtyPorts;
    private int _dirtyCount;
    private LearnExchange? _exchange;
    private int _worker;
    private long _shareAfter = long.MaxValue;

    public VxlanSwitch(PacketBufferPool pool, VxlanSettings settings, IOutsidePort outside, TimeProvider time, int batchSize = 64, int maxPorts = 256)
    {
        _pool = pool;
        _encap = new VxlanEncapsulator(settings);
        _outside = outside;
        _superOutside = outside as ISuperFrameOutside;
        _segmenter = new GsoSegmenter(pool);
        _time = time;
        _batchSize = batchSize;
        _underlayTx = new PacketBatch(batchSize);
        _dirtyPorts = new int[maxPorts];
        _ownAddresses = [.. new[] { settings.LocalV4, settings.LocalV6 }.Where(a => !a.IsNone)];
    }

    public VxlanSettings Settings => _encap.Settings;
    public PacketBufferPool Pool => _pool;
    public IReadOnlyList<SwitchNetwork> Networks => _networks;
    public IReadOnlyList<SwitchPort> Ports => _ports;
    /// <summary>Drops that belong to no network (bad VXLAN header, unknown VNI, our own source).</summary>
    public TrafficCounters Underlay { get; } = new();

    public SwitchNetwork AddNetwork(NetworkSettings settings)
    {
        if (settings.Vni > 0xFF_FFFF) throw new ArgumentOutOfRangeException(nameof(settings), $"VNI {settings.Vni} is over 16777215");
        if (_byVni.ContainsKey(settings.Vni)) throw new ArgumentException($"VNI {settings.Vni} is already a network", nameof(settings));
        var network = new SwitchNetwork(_networks.Count, settings);
        _networks.Add(network);
        _byVni = _networks.ToFrozenDictionary(n => n.Vni);
        return network;
    }

    public SwitchPort AddPort(string name, IInsidePort device, SwitchNetwork network, int mtu)
    {
        if (_ports.Count == _dirtyPorts.Length) throw new InvalidOperationException($"at most {_dirtyPorts.Length} ports");
        if (mtu + 14 + 4 > _pool.SmallFrameCapacity) throw new ArgumentOutOfRangeException(nameof(mtu), $"MTU {mtu} does not fit a {_pool.SmallSize}-byte buffer");
        var port = new SwitchPort(_ports.Count, name, device, network, mtu, _batchSize);
        _ports.Add(port);
        _portArray = [.. _ports];
        network.AddPort(port);
        return port;
    }

    public bool TryGetNetwork(uint vni, out SwitchNetwork network) => _byVni.TryGetValue(vni, out network!);

    public SwitchNetwork? FindNetwork(string nameOrVni) =>
        _networks.FirstOrDefault(n => n.Name == nameOrVni || n.Vni.ToString(System.Globalization.CultureInfo.InvariantCulture) == nameOrVni);

    private bool IsOwnAddress(IpAddr address)
    {
        foreach (var a in _ownAddresses)
        {
            if (a == address) return true;
        }
        return false;
    }

    /// <summary>
    /// Makes this switch worker <paramref name="worker"/>'s replica among several: what it learns is published on
    /// <paramref name="exchange"/> (refreshes at most every <paramref name="shareInterval"/>), and
    /// <see cref="AdoptShared"/> takes in what the others learned. Call before the worker starts.
    /// </summary>
    public void JoinExchange(LearnExchange exchange, int worker, TimeSpan shareInterval)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(worker, exchange.Workers);
        _exchange = exchange;
        _worker = worker;
        _shareAfter = Math.Max(1, (long)(shareInterval.TotalSeconds * _time.TimestampFrequency));
    }

    /// <summary>Takes in every source the other workers learned since the last call; returns how many. Runs on
    /// this switch's worker, between batches.</summary>
    public int AdoptShared()
    {
        if (_exchange is null) return 0;
        int n = 0;
        while (_exchange.TryTake(_worker, out var item))
        {
            n++;
            if ((uint)item.Network >= (uint)_networks.Count) continue;
            var network = _networks[item.Network];
            if (network.Settings.Learning) network.Fdb.Adopt(item.Mac, item.Port, item.Remote, item.Seen);
        }
        return n;
    }

    /// <summary>Ages every network's learned entries. Called by the worker every few seconds.</summary>
    public int Age()
    {
        long now = _time.GetTimestamp();
        int removed = 0;
        foreach (var n in _networks)
        {
            long ticks = (long)(n.Settings.Ageing.TotalSeconds * _time.TimestampFrequency);
            removed += n.Fdb.Age(now, ticks);
        }
        return removed;
    }
}
