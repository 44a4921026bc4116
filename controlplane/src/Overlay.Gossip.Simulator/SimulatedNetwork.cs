using Overlay.ControlPlane.Endpoints;
using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Simulator;

/// <summary>
/// A deterministic discrete-event network of <see cref="GossipNode"/>s: simulated time (a priority queue of
/// events, never the wall clock, never sleeping), one seeded <see cref="Random"/> for the network and one per node
/// life, per-link latency and jitter, random loss, partitions, kills and restarts. The same seed gives the same run.
/// </summary>
public sealed partial class SimulatedNetwork
{
    // The heap orders small (index, key) pairs; the events themselves sit in a pooled array.
    private readonly PriorityQueue<int, EventKey> _events = new();
    private readonly Stack<int> _freeEvents = new();
    private SimEvent[] _pool = new SimEvent[1024];
    private int _poolUsed;
    private readonly List<SimHost> _hosts = new();
    private readonly Dictionary<GossipEndPoint, SimHost> _byEndPoint = new();
    private readonly Dictionary<string, SimHost> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<SimHost, GossipOptions> _options = new();
    private readonly Random _random;
    private readonly int _seed;
    private long _sequence;

    public SimulatedNetwork(int seed, LinkModel? link = null, IMessageSizer? sizer = null)
    {
        _seed = seed;
        _random = new Random(seed);
        Link = link ?? LinkModel.Lan;
        Sizer = sizer ?? new ApproximateStreamSizer(EstimatedMessageSizer.Instance);
        Applications = host => new SimDelegate(this, host);
    }

    public SimClock Clock { get; } = new();

    public TimeSpan Now => Clock.Elapsed;

    public LinkModel Link { get; set; }

    public IMessageSizer Sizer { get; }

    /// <summary>Creates what runs on a host for each node life (the stand-in <see cref="SimDelegate"/> unless
    /// changed, for example by <see cref="UseEndpointTables"/>). Set it before starting hosts.</summary>
    public Func<SimHost, ISimApplication> Applications { get; set; }

    public IReadOnlyList<SimHost> Hosts => _hosts;

    public long EventsProcessed { get; private set; }
    public long PacketsSent { get; private set; }
    public long PacketsLost { get; private set; }
    public long PacketsBlocked { get; private set; }
    public long PacketsToDownHosts { get; private set; }

    /// <summary>The most hosts a network holds: one per address of 198.18.0.0/15 but the first and the last.</summary>
    public const int MaxHosts = (1 << 17) - 2;

    /// <summary>Creates a host (not started) named node-NNNNN at 198.18.0.0/15 (the benchmarking range), port
    /// 7946: host i at 198.18.0.0 + i + 1.</summary>
    public SimHost AddHost(GossipOptions options)
    {
        int index = _hosts.Count;
        if (index >= MaxHosts)
        {
            throw new InvalidOperationException($"a simulated network holds at most {MaxHosts} hosts");
        }
        uint address = 0xC612_0000u + (uint)(index + 1);
        var host = new SimHost(index, $"node-{index:D5}", GossipEndPoint.FromIPv4(address, 7946));
        _hosts.Add(host);
        _byEndPoint[host.EndPoint] = host;
        _byName[host.Name] = host;
        _options[host] = options with { Name = host.Name };
        return host;
    }

    public SimHost? HostNamed(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Starts a node on <paramref name="host"/> now and joins it through <paramref name="seeds"/>.</summary>
    public void Start(SimHost host, IEnumerable<SimHost> seeds)
    {
        if (host.Up)
        {
            throw new InvalidOperationException($"{host} is already up");
        }
        host.Generation++;
        ISimApplication application = Applications(host);
        var node = new GossipNode(_options[host], new SimTransport(this, host), application, Clock,
            new Random(NodeSeed(host)), Sizer);
        host.Restarts++;
        host.Node = node;
        host.Application = application;
        host.Up = true;
        host.ScheduledTick = long.MaxValue;
        node.Start();
        GossipEndPoint[] seedEndPoints = seeds.Where(s => s != host).Select(s => s.EndPoint).ToArray();
        if (seedEndPoints.Length > 0)
        {
            node.Join(seedEndPoints);
        }
        Touch(host);
        if (application.MaintainInterval is { } every && every > TimeSpan.Zero)
        {
            // Hosts started together must not all do their housekeeping at the same instant: a fixed phase per host.
            long phase = (long)(every.Ticks * (host.Index * 0.6180339887 % 1.0));
            Schedule(Clock.NowTicks + phase, new SimEvent { Kind = SimEventKind.Maintain, Host = host.Index, Generation = host.Generation });
        }
    }

    /// <summary>Starts <paramref name="hosts"/> as a cluster that converged long ago: each knows all the others
    /// alive at incarnation 1 with their metadata (the records are shared, as gossip would share them), with no
    /// news queued beyond each node's own start-up alive message. The applications are not told of these
    /// members (N² join callbacks); see <see cref="NotifyJoined"/>.</summary>
    public void StartWarm(IReadOnlyList<SimHost> hosts)
    {
        byte[] vsn = [1, 5, 2, 0, 0, 0];
        foreach (SimHost host in hosts)
        {
            Start(host, []);
        }
        var members = hosts.Select(h => new Alive(1, h.Name, h.EndPoint.AddressBytes(), h.EndPoint.Port, MetaOf(h), vsn)).ToArray();
        foreach (SimHost host in hosts)
        {
            host.Node!.Preload(members);
        }
    }

    /// <summary>Tells the application of every other up host that knows <paramref name="member"/> that it
    /// joined: the callback <see cref="StartWarm"/> skips, for the few members an application must know (an
    /// endpoint table installs only records of owners it has heard are alive).</summary>
    public void NotifyJoined(SimHost member)
    {
        foreach (SimHost host in _hosts)
        {
            if (host != member && host.Up && host.Node!.TryGetMember(member.Name, out Member m) && m.State == NodeStateKind.Alive)
            {
                host.Application!.NotifyJoin(m);
                Touch(host);
            }
        }
    }

    private static byte[]? MetaOf(SimHost host) => host.Node!.TryGetMember(host.Name, out Member self) ? self.Meta : null;

    /// <summary>Runs the real control plane on every host started from now on: an <see cref="EndpointApplication"/>
    /// per node life, with a boot id of its own.</summary>
    public void UseEndpointTables(EndpointTableOptions? options = null)
    {
        EndpointTableOptions tableOptions = options ?? new EndpointTableOptions();
        Applications = host => new EndpointApplication(this, host, tableOptions, LifeId(host) | 1);
    }

    /// <summary>A seed per node life that depends only on the network seed, the host and its restart count
    /// (HashCode.Combine is randomised per process and would make runs differ between processes).</summary>
    private int NodeSeed(SimHost host) => (int)(LifeId(host) & int.MaxValue);

    /// <summary>A 64-bit number for the host's next life (it is read before <see cref="SimHost.Restarts"/> counts
    /// that life).</summary>
    private ulong LifeId(SimHost host)
    {
        ulong x = (ulong)(uint)_seed * 0x9E3779B97F4A7C15UL ^ (ulong)host.Index * 0xBF58476D1CE4E5B9UL ^ (ulong)host.Restarts * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        x *= 0xD6E8FEB86659FD93UL;
        x ^= x >> 32;
        return x;
    }

    /// <summary>Kills the process on <paramref name="host"/>: it stops answering at once, says nothing.</summary>
    public void Kill(SimHost host)
    {
        if (!host.Up)
        {
            return;
        }
        host.Node!.Shutdown();
        host.Up = false;
        host.Generation++;
    }

    /// <summary>Runs <paramref name="action"/> on the host's node (as its owner would), then reschedules it.</summary>
    public void Invoke(SimHost host, Action<GossipNode> action)
    {
        if (!host.Up)
        {
            throw new InvalidOperationException($"{host} is down");
        }
        action(host.Node!);
        Touch(host);
    }

    /// <summary>Puts every host in the group <paramref name="groupOf"/> returns; hosts in different groups cannot
    /// exchange packets or streams.</summary>
    public void Partition(Func<SimHost, int> groupOf)
    {
        foreach (SimHost host in _hosts)
        {
            host.Group = groupOf(host);
        }
    }

    public void Heal() => Partition(static _ => 0);

    /// <summary>Extra loss on everything to and from <paramref name="host"/>.</summary>
    public void SetExtraLoss(SimHost host, double loss) => host.ExtraLoss = loss;

    /// <summary>Runs <paramref name="action"/> at simulated time <paramref name="at"/>.</summary>
    public void At(TimeSpan at, Action action) =>
        Schedule(Math.Max(at.Ticks, Clock.NowTicks), new SimEvent { Kind = SimEventKind.Action, Payload = action });

    /// <summary>Processes events up to simulated time <paramref name="until"/>.</summary>
    public void RunUntil(TimeSpan until)
    {
        long end = until.Ticks;
        while (_events.TryPeek(out int index, out EventKey key) && key.Time <= end)
        {
            _events.Dequeue();
            SimEvent e = _pool[index];
            _pool[index] = default;
            _freeEvents.Push(index);
            Clock.NowTicks = key.Time;
            EventsProcessed++;
            Dispatch(in e);
        }
        Clock.NowTicks = Math.Max(Clock.NowTicks, end);
    }

    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    /// <summary>Runs until <paramref name="done"/> holds (checked every <paramref name="pollEvery"/>) or
    /// <paramref name="limit"/> (absolute simulated time). Returns the first poll time it held, or null.</summary>
    public TimeSpan? RunUntil(Func<bool> done, TimeSpan limit, TimeSpan pollEvery)
    {
        while (true)
        {
            if (done())
            {
                return Now;
            }
            if (Now >= limit)
            {
                return null;
            }
            RunUntil(Now + pollEvery < limit ? Now + pollEvery : limit);
        }
    }

    private void Schedule(long time, SimEvent e)
    {
        if (!_freeEvents.TryPop(out int index))
        {
            if (_poolUsed == _pool.Length)
            {
                Array.Resize(ref _pool, _pool.Length * 2);
            }
            index = _poolUsed++;
        }
        _pool[index] = e;
        _events.Enqueue(index, new EventKey(time, ++_sequence));
    }

    /// <summary>Makes sure a tick is scheduled for the host's next timer.</summary>
    private void Touch(SimHost host)
    {
        if (!host.Up)
        {
            return;
        }
        long due = host.Node!.NextDueTimestamp; // the clock's timestamps are simulated ticks
        if (due < host.ScheduledTick)
        {
            host.ScheduledTick = due;
            host.TickId++;
            Schedule(Math.Max(due, Clock.NowTicks),
                new SimEvent { Kind = SimEventKind.Tick, Host = host.Index, Generation = host.Generation, Arg = host.TickId });
        }
    }

    private void Dispatch(in SimEvent e)
    {
        if (e.Kind == SimEventKind.Action)
        {
            ((Action)e.Payload!)();
            return;
        }
        SimHost host = _hosts[e.Host];
        switch (e.Kind)
        {
            case SimEventKind.Tick:
                if (host.Up && host.Generation == e.Generation && host.TickId == e.Arg)
                {
                    host.ScheduledTick = long.MaxValue;
                    host.Node!.Tick();
                    Touch(host);
                }
                break;
            case SimEventKind.Packet:
                if (host.Up && host.Generation == e.Generation)
                {
                    host.Node!.ReceivePacket(e.From, (IReadOnlyList<object>)e.Payload!);
                    Touch(host);
                }
                else
                {
                    PacketsToDownHosts++;
                }
                break;
            case SimEventKind.PushPullArrive:
                ArrivePushPull(in e, host);
                break;
            case SimEventKind.PushPullDone:
                if (host.Up && host.Generation == e.Generation)
                {
                    host.Node!.CompletePushPull(e.Arg, (PushPullMessage?)e.Payload);
                    Touch(host);
                }
                break;
            case SimEventKind.StreamPingArrive:
                ArriveStreamPing(in e, host);
                break;
            case SimEventKind.StreamPingDone:
                if (host.Up && host.Generation == e.Generation)
                {
                    host.Node!.CompleteStreamPing((uint)e.Arg, e.Payload is not null);
                    Touch(host);
                }
                break;
            case SimEventKind.Maintain:
                if (host.Up && host.Generation == e.Generation)
                {
                    host.Application!.Maintain();
                    Touch(host);
                    Schedule(Clock.NowTicks + host.Application.MaintainInterval!.Value.Ticks, e);
                }
                break;
        }
    }
}
