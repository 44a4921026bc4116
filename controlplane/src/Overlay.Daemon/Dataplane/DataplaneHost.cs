using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Overlay.Daemon.Config;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
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

    public VxlanSwitch? Switch { get; private set; }
    public SwitchWorker? Worker { get; private set; }
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

    private void Build()
    {
        var c = _config;
        int bufferSize = Math.Max(PacketBufferPool.DefaultSmallSize, PacketBufferPool.Headroom + c.UnderlayMtu + 64);
        // Large buffers hold the super-frames that GRO builds for the TAPs: a few per port in flight.
        int large = c.Offloads.Tap == TapOffloads.None ? 0 : Math.Max(64, 16 * c.Networks.Sum(n => n.Endpoints.Count));
        var pool = new PacketBufferPool(c.Buffers, bufferSize, large);

        var underlays = new List<UnderlaySocket>();
        foreach (var local in new[] { c.Vxlan.LocalV4, c.Vxlan.LocalV6 }.Where(a => !a.IsNone))
        {
            var socket = UnderlaySocket.Open(new Overlay.Dataplane.Linux.Underlay.UnderlayOptions
            {
                LocalAddress = local,
                Port = c.Vxlan.DestinationPort,
                MaxBatch = c.BatchSize,
                Gro = c.Offloads.UdpGro,
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
            LogUnderlay(local, c.Vxlan.DestinationPort);
            LogOffloads(local, socket.GsoTransmitter is not null ? $"UDP GSO over {c.Vxlan.SourcePortCount} source ports" : "raw socket",
                socket.GroEnabled ? "UDP GRO" : "plain");
            if (c.Offloads.UdpGsoRefusedBecause is { } why) LogGsoRefused(why);
            if (c.Offloads.UdpGro && !socket.GroEnabled) LogGroRefused();
        }
        IOutsidePort outside = underlays.Count == 1 ? underlays[0] : new DualStackOutsidePort(underlays[0], underlays[1], c.BatchSize);

        var sw = new VxlanSwitch(pool, c.Vxlan, outside, _time, c.BatchSize);
        var tapFds = new List<int>();
        foreach (var n in c.Networks)
        {
            var network = sw.AddNetwork(n.Settings);
            foreach (var remote in n.Flood)
            {
                sw.FdbUpdate(network, FdbChange.Append, MacAddress.Zero, null, remote, FdbEntryKind.Permanent);
            }
            foreach (var e in n.Endpoints)
            {
                TapDevice tap = e.AttachTap is not null
                    ? TapDevice.Attach(e.AttachTap)
                    : TapDevice.Create(new TapOptions
                    {
                        Name = e.Ifname, Namespace = e.Netns, Mac = e.Mac, Mtu = e.Mtu, Addresses = e.Addresses, Offloads = c.Offloads.Tap,
                    });
                if (tap.Offloads != c.Offloads.Tap && e.AttachTap is null) LogTapOffloads(e.Name, c.Offloads.Tap.ToString(), tap.Offloads.ToString());
                _owned.Add(tap);
                var port = sw.AddPort(e.Name, tap, network, e.AttachTap is not null ? tap.Mtu : e.Mtu);
                tapFds.Add(tap.Fd);
                _ports.Add(new PortInfo(port, e, e.AttachTap is not null, tap.IfIndex));
                LogPort(e.Name, tap.ToString(), network.Name, network.Vni, e.Mac.ToString(), port.Mtu);
            }
        }
        Switch = sw;
        Worker = new SwitchWorker(sw, outside, tapFds, underlays.Select(u => u.Fd).ToList(), _time, c.BatchSize, LogWorkerError);
        _owned.Insert(0, Worker);
        Worker.Start();
        LogStarted(c.NodeName, c.Networks.Count, _ports.Count);
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

    [LoggerMessage(6, LogLevel.Error, "switch worker error; the batch was dropped")]
    private partial void LogWorkerFailure(Exception e);
}
