using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Overlay.ControlPlane;
using Overlay.ControlPlane.Endpoints;
using Overlay.Daemon.Config;
using Overlay.Daemon.Dataplane;
using Overlay.Gossip;
using Overlay.Gossip.Net;
using Overlay.Gossip.Transport;
using Overlay.Packets;

namespace Overlay.Daemon.Gossip;

/// <summary>
/// The gossip control plane inside overlayd: a memberlist-compatible SWIM/Lifeguard node on UDP and TCP, whose
/// user data is the endpoint table. Our endpoints are published at start; every other host's endpoints become
/// static forwarding entries and ARP-proxy neighbours in the switch, withdrawn when their host dies or leaves.
/// </summary>
public sealed partial class GossipHost(DaemonConfig config, DataplaneHost dataplane, ILogger<GossipHost> log, TimeProvider time)
    : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan MaintainInterval = TimeSpan.FromSeconds(5);

    private UdpTcpTransport? _transport;
    private GossipRunner? _runner;
    private EndpointGossip? _endpoints;
    private ITimer? _maintain;

    public bool Enabled => config.Gossip.Enabled;
    public GossipRunner? Runner => _runner;
    public EndpointGossip? Endpoints => _endpoints;
    public UdpTcpTransport? Transport => _transport;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var g = config.Gossip;
        if (!g.Enabled) return;
        var options = (g.Preset switch { "wan" => GossipOptions.Wan, "local" => GossipOptions.Local, _ => GossipOptions.Lan }) with { Name = config.NodeName };
        _transport = new UdpTcpTransport(new UdpTcpTransportOptions
        {
            BindAddress = g.Bind.ToIPAddress(),
            Port = g.Port,
            AdvertiseAddress = g.Advertise.ToIPAddress(),
            Label = g.Label ?? "",
            Keys = g.Keys,
            AllowedPeers = [.. g.AllowCidrs.Select(c => new IPNetwork(c.Network.ToIPAddress(), c.PrefixLength))],
        }, time, LogTransportError);

        var table = new EndpointTable(config.NodeName, BootId(), new EndpointTableOptions { TombstoneRetention = g.Tombstone }, time);
        GossipNode? node = null;
        _endpoints = new EndpointGossip(table, new SwitchDataplaneSink(dataplane), (key, payload) => node!.Broadcast(key, payload), time);
        node = new GossipNode(options, _transport, _endpoints, time, sizer: _transport.Sizer);
        _runner = new GossipRunner(node, null, time, LogRunnerError);
        _transport.Start(_runner);
        var seeds = g.Seeds.Select(s => s.Address.IsV4
            ? GossipEndPoint.FromIPv4(s.Address.V4, (ushort)s.Port)
            : GossipEndPoint.FromIPEndPoint(new IPEndPoint(s.Address.ToIPAddress(), s.Port))).ToList();
        // A seed that is this node itself is not someone to join.
        seeds.RemoveAll(s => s.Equals(_transport.LocalEndPoint));
        await _runner.StartAsync(seeds).ConfigureAwait(false);
        LogStarted(config.NodeName, _transport.BoundEndPoint.ToString(), g.Preset, seeds.Count, g.Keys.Count > 0);
        if (seeds.Count > 0) _ = RetryJoinAsync(seeds);

        // Our own endpoints: every other host learns where they are.
        var vtep = config.Vxlan.LocalV4.IsNone ? config.Vxlan.LocalV6 : config.Vxlan.LocalV4;
        await _runner.InvokeAsync(_ =>
        {
            foreach (var n in config.Networks)
            {
                foreach (var e in n.Endpoints)
                {
                    if (e.AttachTap is not null) continue; // an attached TAP's MAC is not ours to announce
                    _endpoints.Publish(n.Settings.Vni, n.Settings.Name, EndpointId(e), e.Mac, [.. e.Addresses.Select(a => a.Address)], vtep);
                }
            }
        }).ConfigureAwait(false);
        _maintain = time.CreateTimer(_ => _ = _runner.InvokeAsync(__ => _endpoints.Maintain()), null, MaintainInterval, MaintainInterval);
    }

    /// <summary>Hosts often start together, so the seeds may not listen yet: try again every second for a while
    /// (the node's periodic re-join takes over after that).</summary>
    private async Task RetryJoinAsync(List<GossipEndPoint> seeds)
    {
        for (int attempt = 1; attempt <= 30 && _runner is { IsRunning: true } runner; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time).ConfigureAwait(false);
            int members = await runner.InvokeAsync(n => n.AliveMemberCount).ConfigureAwait(false);
            if (members > 1)
            {
                LogJoined(members, attempt);
                return;
            }
            await runner.JoinAsync(seeds).ConfigureAwait(false);
        }
    }

    /// <summary>Endpoint ids are unique in the cluster: the node's name and the endpoint's.</summary>
    public string EndpointId(EndpointConfig e) => config.NodeName + "/" + e.Name;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _maintain?.Dispose();
        if (_runner is not null) await _runner.StopAsync(leave: true).ConfigureAwait(false);
        _transport?.Dispose();
        if (_runner is not null) LogStopped();
    }

    public async ValueTask DisposeAsync()
    {
        _maintain?.Dispose();
        if (_runner is not null) await _runner.DisposeAsync().ConfigureAwait(false);
        _transport?.Dispose();
    }

    /// <summary>A fresh id per process life, so records of an earlier life are told apart from this one's.</summary>
    private static ulong BootId() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) | 1;

    private void LogTransportError(Exception e) => LogTransportFailure(e);

    private void LogRunnerError(Exception e) => LogRunnerFailure(e);

    [LoggerMessage(30, LogLevel.Information, "gossip {Node} on {EndPoint}, preset {Preset}, {Seeds} seeds, encrypted {Encrypted}")]
    private partial void LogStarted(string node, string endPoint, string preset, int seeds, bool encrypted);

    [LoggerMessage(34, LogLevel.Information, "gossip sees {Members} alive members after {Seconds} s")]
    private partial void LogJoined(int members, int seconds);

    [LoggerMessage(31, LogLevel.Information, "gossip stopped (left the cluster)")]
    private partial void LogStopped();

    [LoggerMessage(32, LogLevel.Warning, "gossip transport error")]
    private partial void LogTransportFailure(Exception e);

    [LoggerMessage(33, LogLevel.Error, "gossip node error")]
    private partial void LogRunnerFailure(Exception e);
}
