using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Overlay.Control;
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
/// static forwarding entries and ARP-proxy neighbours in the switch, withdrawn when their host dies or leaves. Those
/// changes reach the switch in batches (<see cref="SwitchDataplaneSink"/>); key changes go through
/// <see cref="GossipKeyring"/>, which keeps gossip.keyringFile in step with the running keyring.
/// </summary>
public sealed partial class GossipHost(DaemonConfig config, DataplaneHost dataplane, ILogger<GossipHost> log, TimeProvider time)
    : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan MaintainInterval = TimeSpan.FromSeconds(5);

    private UdpTcpTransport? _transport;
    private GossipRunner? _runner;
    private EndpointGossip? _endpoints;
    private SwitchDataplaneSink? _sink;
    private GossipKeyring? _keyring;
    private ITimer? _maintain;

    public bool Enabled => config.Gossip.Enabled;
    public GossipRunner? Runner => _runner;
    public EndpointGossip? Endpoints => _endpoints;
    public UdpTcpTransport? Transport => _transport;

    /// <summary>The running keyring and its file; key changes from the control socket go through it.</summary>
    public GossipKeyring? Keyring => _keyring;

    /// <summary>The endpoint table's way into the switch.</summary>
    public SwitchDataplaneSink? Sink => _sink;

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
        _keyring = new GossipKeyring(_transport, g.KeyringFile, log);
        StartKeyringFile(g);

        var table = new EndpointTable(config.NodeName, BootId(), new EndpointTableOptions { TombstoneRetention = g.Tombstone }, time);
        GossipNode? node = null;
        // Changes for the switch are queued while the gossip thread works and flushed as one batch right after.
        _sink = SwitchDataplaneSink.For(dataplane, () => _ = _runner!.InvokeAsync(_ => _sink!.Flush()), log);
        _endpoints = new EndpointGossip(table, _sink, (key, payload) => node!.Broadcast(key, payload), time);
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
        _maintain = time.CreateTimer(_ => _ = _runner.InvokeAsync(__ => Maintain()), null, MaintainInterval, MaintainInterval);
    }

    /// <summary>Periodic work on the gossip thread: expiry and retries, and a full resync of the switch when a batch
    /// of changes failed there since the last time.</summary>
    private void Maintain()
    {
        _endpoints!.Maintain();
        if (_sink!.TakeResyncRequest())
        {
            int changes = _endpoints.Resync().Count;
            LogResync(changes, _sink.Failed);
        }
    }

    /// <summary>Says where the keyring came from. gossip.keyringFile that exists was read by the config validator
    /// (a malformed one stops the start there) and won over gossip.keys; one that does not exist yet is created from
    /// gossip.keys now, so the file always holds the running keyring.</summary>
    private void StartKeyringFile(GossipConfig g)
    {
        if (g.KeyringFile is not { } file) return;
        if (g.KeysFromFile)
        {
            LogKeyringLoaded(file, g.Keys.Count, KeyFingerprint.Of(g.Keys[0]), g.ConfiguredKeyCount);
            UnixFileMode mode = 0;
            try { mode = OperatingSystem.IsWindows() ? 0 : File.GetUnixFileMode(file); }
            catch (IOException) { } // gone since it was read: the next key change writes it again
            if ((mode & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)) != 0) LogKeyringFileOpen(file, Convert.ToString((int)mode, 8));
        }
        else if (g.Keys.Count == 0)
        {
            LogKeyringPlaintext(file);
        }
        else if (_keyring!.Save() is null)
        {
            LogKeyringCreated(file, g.Keys.Count);
        }
        // A failed save was logged by the keyring; the node runs on with the config's keys.
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

    [LoggerMessage(35, LogLevel.Information, "gossip keyring from {File} (keys: {Count}, primary {Primary}); the file wins over gossip.keys, whose {Configured} keys are not used")]
    private partial void LogKeyringLoaded(string file, int count, string primary, int configured);

    [LoggerMessage(36, LogLevel.Information, "gossip keyring file {File} did not exist: created from gossip.keys (keys: {Count}); key changes are saved there")]
    private partial void LogKeyringCreated(string file, int count);

    [LoggerMessage(37, LogLevel.Warning, "gossip keyring file {File} does not exist and gossip.keys is empty: gossip is not encrypted")]
    private partial void LogKeyringPlaintext(string file);

    [LoggerMessage(38, LogLevel.Warning, "gossip keyring file {File} has mode {Mode}: others than its owner may read the cluster's keys (chmod 600)")]
    private partial void LogKeyringFileOpen(string file, string mode);

    [LoggerMessage(39, LogLevel.Warning, "gossip: resynced the switch from the endpoint table ({Changes} changes) after {Failed} failed changes so far")]
    private partial void LogResync(int changes, long failed);

    [LoggerMessage(31, LogLevel.Information, "gossip stopped (left the cluster)")]
    private partial void LogStopped();

    [LoggerMessage(32, LogLevel.Warning, "gossip transport error")]
    private partial void LogTransportFailure(Exception e);

    [LoggerMessage(33, LogLevel.Error, "gossip node error")]
    private partial void LogRunnerFailure(Exception e);
}
