using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Overlay.Control;
using Overlay.Daemon.Dataplane;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Counters;
using Overlay.Dataplane.Switching;
using Overlay.Gossip.Net;
using Overlay.Packets;

namespace Overlay.Daemon.Control;

/// <summary>Answers overlayctl: every read or change of the switch runs on the switch worker's thread.</summary>
public sealed partial class ControlHandler(DataplaneHost dataplane, Gossip.GossipHost gossip, ILogger<ControlHandler> log) : IControlHandler
{
    private const string GossipOff = "gossip is not enabled (gossip.enabled in the config)";

    private Task<T> OnWorker<T>(Func<VxlanSwitch, T> work) => Workers.InvokeAsync(work);

    private Overlay.Dataplane.Linux.Workers.SwitchWorkerGroup Workers =>
        dataplane.Worker ?? throw new InvalidOperationException("the dataplane is not running");

    /// <summary>Every replica's rows, merged: per (VNI, MAC) the rows of the replica that saw the MAC last (the
    /// workers' tables agree but for news still in flight between them).</summary>
    private static IReadOnlyList<FdbEntryDto> MergeFdb(IReadOnlyList<List<FdbEntryDto>> replicas)
    {
        if (replicas.Count == 1) return replicas[0];
        var best = new Dictionary<(uint, string), List<FdbEntryDto>>();
        var order = new List<(uint, string)>();
        foreach (var rows in replicas)
        {
            foreach (var group in rows.GroupBy(r => (r.Vni, r.Mac)))
            {
                var list = group.ToList();
                if (!best.TryGetValue(group.Key, out var current))
                {
                    order.Add(group.Key);
                    best[group.Key] = list;
                }
                else if ((list[0].UpdatedSecondsAgo ?? double.MaxValue) < (current[0].UpdatedSecondsAgo ?? double.MaxValue))
                {
                    best[group.Key] = list;
                }
            }
        }
        return [.. order.SelectMany(k => best[k])];
    }

    public Task<IReadOnlyList<FdbEntryDto>> FdbShowAsync(FdbFilter filter, CancellationToken cancellationToken)
    {
        MacAddress? mac = filter.Mac is null ? null : ParseMac(filter.Mac);
        IpAddr? dst = filter.Dst is null ? null : ParseIp(filter.Dst);
        return ShowAll();

        async Task<IReadOnlyList<FdbEntryDto>> ShowAll() => MergeFdb(await Workers.InvokeEachAsync(Show).ConfigureAwait(false));

        List<FdbEntryDto> Show(VxlanSwitch sw)
        {
            var list = new List<FdbEntryDto>();
            foreach (var network in sw.Networks)
            {
                if (!NetworkMatches(network, filter)) continue;
                foreach (var r in sw.FdbShow(network))
                {
                    if (filter.Port is not null && r.Port != filter.Port) continue;
                    if (mac is not null && r.Mac != mac.Value) continue;
                    if (dst is not null && r.Remote != dst.Value) continue;
                    list.Add(new FdbEntryDto(r.Vni, r.Network, r.Mac.ToString(), r.Port, r.Remote.IsNone ? null : r.Remote.ToString(),
                        KindName(r.Kind), r.SinceUpdated?.TotalSeconds, r.SinceUsed?.TotalSeconds));
                }
            }
            return list;
        }
    }

    public Task<ControlResult> FdbChangeAsync(FdbChangeDto change, CancellationToken cancellationToken)
    {
        if (!MacAddress.TryParse(change.Mac, out var mac)) return Task.FromResult(ControlResult.Failure($"'{change.Mac}' is not a MAC address"));
        IpAddr remote = default;
        if (change.Dst is not null && !IpAddr.TryParse(change.Dst, out remote)) return Task.FromResult(ControlResult.Failure($"'{change.Dst}' is not an IP address"));
        if (!TryKind(change.Kind, out var kind)) return Task.FromResult(ControlResult.Failure($"'{change.Kind}' is not static, permanent or dynamic"));
        return ChangeAll();

        // The first worker's replica decides (an add may find an entry there); the others then follow it, so an
        // add that succeeded there replaces whatever another replica learned meanwhile.
        async Task<ControlResult> ChangeAll()
        {
            var workers = Workers.Workers;
            var result = await workers[0].InvokeAsync(sw => Change(sw, change.Op)).ConfigureAwait(false);
            if (!result.Ok || workers.Count == 1) return result;
            string follow = change.Op == "add" ? "replace" : change.Op;
            await Task.WhenAll(workers.Skip(1).Select(w => w.InvokeAsync(sw => Change(sw, follow)))).ConfigureAwait(false);
            return result;
        }

        ControlResult Change(VxlanSwitch sw, string verb)
        {
            var network = sw.FindNetwork(change.Network);
            if (network is null) return ControlResult.Failure($"no network '{change.Network}'");
            if (verb == "del")
            {
                return Result(sw.FdbDelete(network, mac, remote), $"no entry {mac}{(remote.IsNone ? "" : $" dst {remote}")} in {network.Name}");
            }
            FdbChange? op = verb switch { "add" => FdbChange.Add, "append" => FdbChange.Append, "replace" => FdbChange.Replace, _ => null };
            if (op is null) return ControlResult.Failure($"'{change.Op}' is not add, append, replace or del");
            SwitchPort? port = null;
            if (change.Port is not null)
            {
                port = network.Ports.FirstOrDefault(p => p.Name == change.Port);
                if (port is null) return ControlResult.Failure($"no port '{change.Port}' in network {network.Name}");
            }
            if ((port is null) == remote.IsNone) return ControlResult.Failure("give exactly one of a port and a dst");
            if (mac.IsZero && port is not null) return ControlResult.Failure("the all-zeros MAC (flood list) takes a dst, not a port");
            if (!mac.IsZero && mac.IsMulticast && port is not null) return ControlResult.Failure($"{mac} is a group address");
            if (remote.IsV4 ? sw.Settings.LocalV4.IsNone : !remote.IsNone && sw.Settings.LocalV6.IsNone)
                return ControlResult.Failure($"no underlay address of {remote}'s family");
            return Result(sw.FdbUpdate(network, op.Value, mac, port, remote, kind), $"{mac} already has an entry in {network.Name} (use replace or append)");
        }
    }

    public Task<ControlResult> FdbFlushAsync(FdbFlushDto flush, CancellationToken cancellationToken)
    {
        IpAddr remote = default;
        if (flush.Filter.Dst is not null && !IpAddr.TryParse(flush.Filter.Dst, out remote)) return Task.FromResult(ControlResult.Failure($"'{flush.Filter.Dst}' is not an IP address"));
        return FlushAll();

        // Every replica flushes; the count is the largest (the replicas hold the same entries but for news in flight).
        async Task<ControlResult> FlushAll()
        {
            var results = await Workers.InvokeEachAsync(Flush).ConfigureAwait(false);
            return results.Any(r => r.Ok) ? results.Where(r => r.Ok).MaxBy(r => r.Count)! : results[0];
        }

        ControlResult Flush(VxlanSwitch sw)
        {
            int removed = 0;
            bool any = false;
            foreach (var network in sw.Networks)
            {
                if (!NetworkMatches(network, flush.Filter)) continue;
                any = true;
                SwitchPort? port = null;
                if (flush.Filter.Port is not null)
                {
                    port = network.Ports.FirstOrDefault(p => p.Name == flush.Filter.Port);
                    if (port is null) continue;
                }
                removed += sw.FdbFlush(network, port, remote, flush.IncludeStatic);
            }
            return any ? ControlResult.Success(removed) : ControlResult.Failure("no network matches");
        }
    }

    public Task<IReadOnlyList<PortDto>> PortsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PortDto>>(dataplane.PortInfos.Select(p => new PortDto(
            p.Port.Name, p.Port.Network.Name, p.Port.Network.Vni, p.Attached ? "tap-attached" : "tap",
            p.Endpoint.Netns, p.Endpoint.AttachTap ?? p.Endpoint.Ifname, p.Attached ? null : p.Endpoint.Mac.ToString(), p.Port.Mtu)).ToList());

    public Task<IReadOnlyList<NetworkDto>> NetworksAsync(CancellationToken cancellationToken) =>
        OnWorker<IReadOnlyList<NetworkDto>>(sw => sw.Networks.Select(n => new NetworkDto(
            n.Name, n.Vni, n.Settings.Learning, n.Settings.Ageing.TotalSeconds, n.Settings.MaxAddresses, n.Fdb.Count,
            n.Fdb.FloodList.Select(r => r.ToString()).ToList(), n.Ports.Select(p => p.Name).ToList())).ToList());

    public Task<StatsDto> StatsAsync(CancellationToken cancellationToken)
    {
        _ = Workers;
        // Counters are plain 64-bit fields, one writer each: reading them from here is safe and never blocks a
        // worker. Each worker counts its own; they are summed here.
        var counters = dataplane.SummedCounters();
        return Task.FromResult(new StatsDto(
            counters.Where(c => c.Scope == "port").Select(c => Counters(c.Name, c.Counters)).ToList(),
            counters.Where(c => c.Scope == "network").Select(c => Counters(c.Name, c.Counters)).ToList(),
            counters.Where(c => c.Scope == "underlay").Select(c => Counters(c.Name, c.Counters)).Single(),
            dataplane.TunnelTap is { } tap ? TunnelCounters(tap) : null));
    }

    private static CountersDto TunnelCounters(Overlay.Dataplane.Linux.Underlay.UnderlayTap tap)
    {
        var drops = new Dictionary<string, long>();
        void Add(string reason, long value)
        {
            if (value != 0) drops[reason] = value;
        }
        Add("invalid", tap.RxInvalid);
        Add("no_buffer", tap.RxNoBuffers);
        Add("rx_error", tap.RxErrors);
        Add("tx_dropped", tap.TxDropped);
        Add("tx_error", tap.TxErrors);
        return new CountersDto(tap.Name, tap.RxPackets, tap.RxBytes, tap.TxSuperFrames, tap.TxBytes, drops);
    }

    public Task<IReadOnlyList<MemberDto>> MembersAsync(CancellationToken cancellationToken)
    {
        var runner = gossip.Runner ?? throw new InvalidOperationException(GossipOff);
        return runner.InvokeAsync<IReadOnlyList<MemberDto>>(node => node.Members()
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => new MemberDto(m.Name, m.EndPoint.ToIPEndPoint().Address.ToString(), m.EndPoint.Port,
                m.State.ToString().ToLowerInvariant(), m.Incarnation))
            .ToList());
    }

    public Task<IReadOnlyList<EndpointDto>> EndpointsAsync(CancellationToken cancellationToken)
    {
        var runner = gossip.Runner ?? throw new InvalidOperationException(GossipOff);
        var endpoints = gossip.Endpoints!;
        return runner.InvokeAsync<IReadOnlyList<EndpointDto>>(_ =>
        {
            var table = endpoints.Table;
            var installed = table.Desired.Remotes;
            return table.Records
                .OrderBy(r => r.Vni).ThenBy(r => r.EndpointId, StringComparer.Ordinal)
                .Select(r => new EndpointDto(r.Vni, r.NetworkName, r.EndpointId, r.Mac.ToString(), r.Addresses.Select(a => a.ToString()).ToList(),
                    r.Vtep.ToString(), r.Owner, r.Version,
                    r.Deleted ? "deleted"
                    : r.Owner == table.NodeName ? "local"
                    : !table.IsEligible(r) ? "suspended"
                    : installed.TryGetValue(new Overlay.ControlPlane.Projection.RemoteKey(r.Vni, r.Mac), out var vtep) && vtep == r.Vtep ? "installed"
                    : "shadowed"))
                .ToList();
        });
    }

    public Task<IReadOnlyList<KeyDto>> KeysAsync(CancellationToken cancellationToken)
    {
        var transport = gossip.Transport ?? throw new InvalidOperationException(GossipOff);
        IReadOnlyList<byte[]> keys = transport.Keys; // copies, primary first
        var list = new List<KeyDto>(keys.Count);
        for (int i = 0; i < keys.Count; i++)
        {
            list.Add(new KeyDto(KeyFingerprint.Of(keys[i]), Primary: i == 0));
            CryptographicOperations.ZeroMemory(keys[i]);
        }
        return Task.FromResult<IReadOnlyList<KeyDto>>(list);
    }

    /// <summary>The keyring is thread-safe (a snapshot swapped under a write lock), so no hop to the gossip thread.
    /// With gossip.keyringFile the changed keyring is saved before the answer; a change that is live but could not be
    /// saved is reported as a failure, so the operator fixes the cause and runs the command again (which saves again).
    /// Neither the key nor its base64 ever reaches a message or a log: only its fingerprint.</summary>
    public Task<ControlResult> KeyChangeAsync(KeyChangeDto change, CancellationToken cancellationToken)
    {
        var keyring = gossip.Keyring ?? throw new InvalidOperationException(GossipOff);
        if (change.Op is not ("install" or "use" or "remove")) return Task.FromResult(ControlResult.Failure($"'{change.Op}' is not install, use or remove"));
        Span<byte> buffer = stackalloc byte[32];
        try
        {
            if (!Convert.TryFromBase64String(change.Key, buffer, out int length) || length is not (16 or 24 or 32))
                return Task.FromResult(ControlResult.Failure("the key is not the base64 of a 16, 24 or 32 byte AES key"));
            ReadOnlySpan<byte> key = buffer[..length];
            string fingerprint = KeyFingerprint.Of(key);
            Gossip.KeyChangeResult outcome = change.Op switch
            {
                "install" => keyring.Install(key),
                "use" => keyring.Use(key),
                _ => keyring.Remove(key),
            };
            KeyOperationResult result = outcome.Operation;
            if (result == KeyOperationResult.Ok) LogKeyChanged(change.Op, fingerprint);
            return Task.FromResult(result switch
            {
                KeyOperationResult.Ok when outcome.SaveProblem is { } problem => ControlResult.Failure(
                    $"key {fingerprint}: {change.Op} is live, but the keyring was not saved, so a restart would lose it: {problem}; fix that and run the command again"),
                KeyOperationResult.Ok => ControlResult.Success(1),
                KeyOperationResult.InvalidKeySize => ControlResult.Failure("a gossip key must be 16, 24 or 32 bytes"),
                KeyOperationResult.NotInstalled => ControlResult.Failure($"key {fingerprint} is not installed: install it first ('keys install' on every node)"),
                KeyOperationResult.PrimaryKeyRemoval => ControlResult.Failure($"key {fingerprint} is the primary key and cannot be removed: make another key primary first ('keys use')"),
                KeyOperationResult.EncryptionNotEnabled => ControlResult.Failure("gossip encryption is not enabled: overlayd was started without keys (gossip.keys or gossip.keyringFile), and a keyring cannot be added while it runs"),
                _ => ControlResult.Failure($"the keyring refused the change ({result})"),
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    [LoggerMessage(22, LogLevel.Information, "gossip key {Fingerprint}: {Op}")]
    private partial void LogKeyChanged(string op, string fingerprint);

    private static CountersDto Counters(string name, TrafficCounters c)
    {
        var drops = new Dictionary<string, long>();
        for (int i = 0; i < DropReasons.Count; i++)
        {
            long d = Volatile.Read(ref c.Drops[i]);
            if (d != 0) drops[DropReasons.Name((DropReason)i)] = d;
        }
        return new CountersDto(name, Volatile.Read(ref c.RxPackets), Volatile.Read(ref c.RxBytes), Volatile.Read(ref c.TxPackets), Volatile.Read(ref c.TxBytes), drops);
    }

    private static bool NetworkMatches(SwitchNetwork network, FdbFilter filter) =>
        (filter.Vni is null || network.Vni == filter.Vni) && (filter.Network is null || network.Name == filter.Network || network.Vni.ToString(System.Globalization.CultureInfo.InvariantCulture) == filter.Network);

    private static ControlResult Result(FdbResult result, string existsMessage) => result switch
    {
        FdbResult.Ok => ControlResult.Success(1),
        FdbResult.Exists => ControlResult.Failure(existsMessage),
        FdbResult.NotFound => ControlResult.Failure(existsMessage),
        FdbResult.Full => ControlResult.Failure("the forwarding table is full (maxAddresses)"),
        _ => ControlResult.Failure("invalid request"),
    };

    private static bool TryKind(string text, out FdbEntryKind kind)
    {
        kind = text switch { "static" => FdbEntryKind.Static, "dynamic" => FdbEntryKind.Dynamic, _ => FdbEntryKind.Permanent };
        return text is "static" or "dynamic" or "permanent";
    }

    private static string KindName(FdbEntryKind kind) => kind switch
    {
        FdbEntryKind.Dynamic => "dynamic",
        FdbEntryKind.Static => "static",
        _ => "permanent",
    };

    private static MacAddress ParseMac(string text) =>
        MacAddress.TryParse(text, out var m) ? m : throw new ArgumentException($"'{text}' is not a MAC address");

    private static IpAddr ParseIp(string text) =>
        IpAddr.TryParse(text, out var a) ? a : throw new ArgumentException($"'{text}' is not an IP address");
}
