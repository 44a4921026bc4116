using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Overlay.Daemon.Config;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Counters;
using Overlay.Dataplane.Linux.Tap;
using Overlay.Dataplane.Linux.Underlay;
using Overlay.Dataplane.Linux.Workers;
using Overlay.Dataplane.Ports;
using Overlay.Dataplane.Switching;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;

namespace Overlay.Daemon.Dataplane;

/// <summary>
/// Builds the dataplane from the config and runs it: the underlay sockets, one TAP per endpoint (created in the
/// endpoint's namespace, or attached), the switch with its networks and flood lists, and the worker thread.
/// Stopping closes everything it opened; TAPs we created disappear with their descriptors.
/// </summary>
public sealed partial class DataplaneHost : IHostedService, IDisposable
{
    private readonly DaemonConfig _config;
    private readonly ILogger<DataplaneHost> _log;
    private readonly TimeProvider _time;
    private readonly List<IDisposable> _owned = [];
    private readonly List<PortInfo> _ports = [];

    public DataplaneHost(DaemonConfig config, ILogger<DataplaneHost> log, TimeProvider time)
    {
        _config = config;
        _log = log;
        _time = time;
    }

    /// <summary>The first worker's switch replica: names and structure (the same in every replica).</summary>
    public VxlanSwitch? Switch => Worker?.Workers[0].Switch;
    /// <summary>The workers; one unless dataplane.workers asks for more.</summary>
    public SwitchWorkerGroup? Worker { get; private set; }
    public IReadOnlyList<PortInfo> PortInfos => _ports;
    public DaemonConfig Config => _config;

    /// <summary>What the control path shows about a port.</summary>
    public sealed record PortInfo(SwitchPort Port, EndpointConfig Endpoint, bool Attached, int IfIndex);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            Build();
        }
        catch
        {
            DisposeOwned();
            throw;
        }
        return Task.CompletedTask;
    }

    /// <summary>How often a worker tells the others that a MAC it keeps seeing is still there.</summary>
    private static readonly TimeSpan ShareInterval = TimeSpan.FromSeconds(1);

    private void Build()
    {
        var c = _config;
        int bufferSize = Math.Max(PacketBufferPool.DefaultSmallSize, PacketBufferPool.Headroom + c.UnderlayMtu + 64);
        // Large buffers hold the super-frames that GRO builds for the TAPs: a few per port in flight.
        int large = c.Offloads.Tap == TapOffloads.None ? 0 : Math.Max(64, 16 * c.Networks.Sum(n => n.Endpoints.Count));
        // With the UDP-tunnel path, super-frames travel whole: a read batch of them and the receive side's besides.
        if (c.Offloads.UdpTunnelGso) large = Math.Max(large, 2 * c.BatchSize + 64);
        var exchange = c.Workers > 1 ? new LearnExchange(c.Workers) : null;
        var workers = new List<SwitchWorker>();
        TapDevice[] firstQueues = [];
        for (int w = 0; w < c.Workers; w++)
        {
            // Each worker owns everything it touches per packet: its pool, sockets, TAP queues and switch replica.
            var pool = new PacketBufferPool(c.Buffers, bufferSize, large);
            var underlays = OpenUnderlays(c, first: w == 0);
            IOutsidePort outside = underlays.Count == 1 ? underlays[0] : new DualStackOutsidePort(underlays[0], underlays[1], c.BatchSize);
            var receivers = underlays.Select(u => (u.Fd, (IUnderlayReceiver)u)).ToList();
            if (w == 0) outside = WithTunnel(c, outside, receivers);
            var sw = new VxlanSwitch(pool, c.Vxlan, outside, _time, c.BatchSize);
            if (exchange is not null) sw.JoinExchange(exchange, w, ShareInterval);
            var tapFds = new List<int>();
            var queues = new List<TapDevice>();
            foreach (var n in c.Networks)
            {
                var network = sw.AddNetwork(n.Settings);
                foreach (var remote in n.Flood)
                {
                    sw.FdbUpdate(network, FdbChange.Append, MacAddress.Zero, null, remote, FdbEntryKind.Permanent);
                }
                foreach (var e in n.Endpoints)
                {
                    bool polled = true;
                    TapDevice tap;
                    if (w == 0)
                    {
                        tap = OpenTap(c, e);
                    }
                    else if (firstQueues[queues.Count].IsMultiQueue)
                    {
                        tap = firstQueues[queues.Count].OpenQueue();
                    }
                    else
                    {
                        // A single-queue TAP we attached to: the first worker reads it, the others only write.
                        tap = firstQueues[queues.Count].ShareForWriting();
                        polled = false;
                    }
                    tap.KeepsSuperFrames = TunnelTap is not null;
                    _owned.Add(tap);
                    queues.Add(tap);
                    var port = sw.AddPort(e.Name, tap, network, e.AttachTap is not null ? tap.Mtu : e.Mtu);
                    tapFds.Add(polled ? tap.Fd : -1);
                    if (w > 0) continue;
                    _ports.Add(new PortInfo(port, e, e.AttachTap is not null, tap.IfIndex));
                    LogPort(e.Name, tap.ToString(), network.Name, network.Vni, e.Mac.ToString(), port.Mtu);
                }
            }
            if (w == 0) firstQueues = [.. queues];
            int cpu = c.Cpus.Count == 0 ? -1 : c.Cpus[w % c.Cpus.Count];
            workers.Add(new SwitchWorker(sw, tapFds, receivers, _time, c.BatchSize, LogWorkerError,
                index: w, cpu: cpu));
        }
        Worker = new SwitchWorkerGroup(workers);
        _owned.Insert(0, Worker);
        Worker.Start();
        // Every worker pins itself before it runs its first command: after this round trip the outcome is known.
        Worker.InvokeEachAsync(_ => 0).Wait(TimeSpan.FromSeconds(5));
        for (int w = 0; w < workers.Count; w++)
        {
            if (workers[w].PinErrno != 0) LogPinFailed(w, c.Cpus[w % c.Cpus.Count], workers[w].PinErrno);
        }
        LogWorkers(c.Workers, c.Cpus.Count == 0 ? "none" : string.Join(",", c.Cpus));
        LogStarted(c.NodeName, c.Networks.Count, _ports.Count);
    }

    private List<UnderlaySocket> OpenUnderlays(DaemonConfig c, bool first)
    {
        var underlays = new List<UnderlaySocket>();
        foreach (var local in new[] { c.Vxlan.LocalV4, c.Vxlan.LocalV6 }.Where(a => !a.IsNone))
        {
            var socket = UnderlaySocket.Open(new Overlay.Dataplane.Linux.Underlay.UnderlayOptions
            {
                LocalAddress = local,
                Port = c.Vxlan.DestinationPort,
                MaxBatch = c.BatchSize,
                Gro = c.Offloads.UdpGro,
                ReusePort = c.Workers > 1,
                GsoTransmit = !c.Offloads.UdpGso ? null : new UdpGsoTransmitter.Options
                {
                    LocalAddress = local,
                    DestinationPort = c.Vxlan.DestinationPort,
                    PortMin = c.Vxlan.SourcePortMin,
                    PortStep = c.Vxlan.SourcePortStep,
                    Count = c.Vxlan.SourcePortCount,
                    MaxBatch = c.BatchSize,
                    DontFragment = c.Vxlan.Df == DfMode.Set,
                    UdpChecksum = c.Vxlan.UdpChecksumV4,
                    ZeroChecksumV6 = c.Vxlan.ZeroChecksumTxV6,
                },
            });
            _owned.Add(socket);
            underlays.Add(socket);
            if (!first) continue;
            LogUnderlay(local, c.Vxlan.DestinationPort);
            LogOffloads(local, socket.GsoTransmitter is not null ? $"UDP GSO over {c.Vxlan.SourcePortCount} source ports" : "raw socket",
                socket.GroEnabled ? "UDP GRO" : "plain");
            if (c.Offloads.UdpGsoRefusedBecause is { } why) LogGsoRefused(why);
            if (c.Offloads.UdpGro && !socket.GroEnabled) LogGroRefused();
        }
        return underlays;
    }

    private TapDevice OpenTap(DaemonConfig c, EndpointConfig e)
    {
        TapDevice tap = e.AttachTap is not null
            ? TapDevice.Attach(e.AttachTap)
            : TapDevice.Create(new TapOptions
            {
                Name = e.Ifname, Namespace = e.Netns, Mac = e.Mac, Mtu = e.Mtu, Addresses = e.Addresses, Offloads = c.Offloads.Tap,
                MultiQueue = c.Workers > 1,
            });
        if (tap.Offloads != c.Offloads.Tap && e.AttachTap is null) LogTapOffloads(e.Name, c.Offloads.Tap.ToString(), tap.Offloads.ToString());
        if (e.AttachTap is not null && c.Workers > 1 && !tap.IsMultiQueue) LogAttachedSingleQueue(e.Name, e.AttachTap);
        return tap;
    }

    /// <summary>Counters of every port, network and the underlay, summed over the workers (control path).</summary>
    public IReadOnlyList<(string Scope, string Name, TrafficCounters Counters)> SummedCounters()
    {
        var group = Worker;
        if (group is null) return [];
        var switches = group.Switches.ToList();
        var first = switches[0];
        var result = new List<(string, string, TrafficCounters)>();
        for (int i = 0; i < first.Ports.Count; i++)
        {
            var sum = new TrafficCounters();
            foreach (var sw in switches) sum.AddFrom(sw.Ports[i].Counters);
            result.Add(("port", first.Ports[i].Name, sum));
        }
        for (int i = 0; i < first.Networks.Count; i++)
        {
            var sum = new TrafficCounters();
            foreach (var sw in switches) sum.AddFrom(sw.Networks[i].Counters);
            result.Add(("network", first.Networks[i].Name, sum));
        }
        var underlay = new TrafficCounters();
        foreach (var sw in switches) underlay.AddFrom(sw.Underlay);
        result.Add(("underlay", "underlay", underlay));
        return result;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        DisposeOwned();
        LogStopped();
        return Task.CompletedTask;
    }

    private void DisposeOwned()
    {
        foreach (var d in _owned)
        {
            try { d.Dispose(); }
            catch (Exception e) { LogCloseFailed(e); }
        }
        _owned.Clear();
    }

    public void Dispose() => DisposeOwned();

    private void LogWorkerError(Exception e) => LogWorkerFailure(e);

    [LoggerMessage(1, LogLevel.Information, "underlay VTEP {Address} port {Port}")]
    private partial void LogUnderlay(IpAddr address, int port);

    [LoggerMessage(2, LogLevel.Information, "port {Name}: {Device}, network {Network} (VNI {Vni}), MAC {Mac}, MTU {Mtu}")]
    private partial void LogPort(string name, string device, string network, uint vni, string mac, int mtu);

    [LoggerMessage(3, LogLevel.Information, "dataplane of {Node} running: {Networks} networks, {Ports} ports")]
    private partial void LogStarted(string node, int networks, int ports);

    [LoggerMessage(4, LogLevel.Information, "dataplane stopped; ports and sockets closed")]
    private partial void LogStopped();

    [LoggerMessage(5, LogLevel.Warning, "closing a dataplane resource failed")]
    private partial void LogCloseFailed(Exception e);

    [LoggerMessage(7, LogLevel.Information, "underlay {Address}: transmit via {Transmit}, receive {Receive}")]
    private partial void LogOffloads(IpAddr address, string transmit, string receive);

    [LoggerMessage(8, LogLevel.Warning, "UDP GSO is off: {Reason}")]
    private partial void LogGsoRefused(string reason);

    [LoggerMessage(9, LogLevel.Warning, "the kernel refused UDP_GRO; receiving datagrams one by one")]
    private partial void LogGroRefused();

    [LoggerMessage(10, LogLevel.Warning, "port {Name}: asked the TAP for offloads {Wanted}, the kernel gave {Got}")]
    private partial void LogTapOffloads(string name, string wanted, string got);

    [LoggerMessage(11, LogLevel.Information, "{Workers} switch workers, pinned to CPUs: {Cpus}")]
    private partial void LogWorkers(int workers, string cpus);

    [LoggerMessage(12, LogLevel.Warning, "worker {Worker}: pinning to CPU {Cpu} failed (errno {Errno}); it runs unpinned")]
    private partial void LogPinFailed(int worker, int cpu, int errno);

    [LoggerMessage(13, LogLevel.Warning, "port {Name}: attached TAP {Tap} has one queue; the first worker reads it, the others only write to it")]
    private partial void LogAttachedSingleQueue(string name, string tap);

    [LoggerMessage(6, LogLevel.Error, "switch worker error; the batch was dropped")]
    private partial void LogWorkerFailure(Exception e);
}
