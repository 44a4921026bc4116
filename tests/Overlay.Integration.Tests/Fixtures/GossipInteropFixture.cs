using System.Text;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests.Fixtures;

/// <summary>
/// Three hosts on one underlay bridge: h1 and h2 (198.18.0.1, .2) for overlayd with gossip on (preset local, the
/// Go peer as their only seed), g (198.18.0.3) running the Go memberlist peer as member <see cref="GoName"/>. With a
/// key, all three encrypt with it. Each overlayd has one endpoint in VNI 42 (e1 = 198.19.0.1 behind h1, e2 =
/// 198.19.0.2 behind h2), whose records it broadcasts to every member, the Go peer included. Made per test, as the
/// tests kill its members; the constructor starts the Go peer, the test starts the daemons.
/// </summary>
public sealed class GossipInteropFixture : IDisposable
{
    public const string GoName = "go-peer";
    public const int Vni = 42;

    /// <summary>Node metadata that is not ours (ours is a format byte and a boot id): overlayd must live with it.</summary>
    public const string GoMeta = "memberlist-peer meta, not overlayd's format";

    /// <summary>From both daemons serving to every member seeing every other: each daemon's join push/pull with the
    /// Go peer tells it of the members the peer knows, and the peer gossips the later one's alive to the earlier one
    /// (every 100 ms, to up to 3 members). Should a gossip packet be missed, push/pull (every 15 s) repairs it; 45 s
    /// covers a busy 2-core machine.</summary>
    public static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(45);

    private readonly OverlayDaemon?[] _daemons = new OverlayDaemon?[2];
    private readonly string? _key;

    /// <param name="key">A base64 AES key all three use, or null for plaintext.</param>
    public GossipInteropFixture(string? key)
    {
        _key = key;
        Rig = new NetnsRig();
        try
        {
            Hosts = [Rig.AddHost("h1", 1), Rig.AddHost("h2", 2)];
            GoHost = Rig.AddHost("g", 3);
            Endpoints = [.. Enumerable.Range(1, 2).Select(n =>
                new OverlaydEndpoint($"e{n}", Rig.AddEndpointNamespace($"e{n}"), $"02:00:00:00:00:{n:x2}", $"198.19.0.{n}/24"))];
            Go = Rig.StartMemberlistPeer(GoHost, GoName, key, GoMeta);
        }
        catch
        {
            Rig.Dispose();
            throw;
        }
    }

    public NetnsRig Rig { get; }
    public IReadOnlyList<RigHost> Hosts { get; }
    public RigHost GoHost { get; }
    public MemberlistPeer Go { get; }

    /// <summary>e{n} is Endpoints[n - 1], behind h{n}.</summary>
    public IReadOnlyList<OverlaydEndpoint> Endpoints { get; }

    public static IReadOnlyList<int> Both { get; } = [1, 2];

    public RigHost Host(int n) => Hosts[n - 1];

    public OverlayDaemon Daemon(int n) => _daemons[n - 1] ?? throw new InvalidOperationException($"h{n} never ran overlayd");

    /// <summary>Starts (or starts again) h{n}'s overlayd and returns once it serves.</summary>
    public OverlayDaemon Start(int n)
    {
        if (_daemons[n - 1] is { HasExited: false }) throw new InvalidOperationException($"h{n} runs overlayd already");
        var gossip = new OverlaydGossip([GoHost.Vtep], Preset: "local") { Keys = _key is null ? null : [_key] };
        var config = Rig.OverlaydConfigFor(Host(n))
            .With(new OverlaydNetwork("blue", Vni, [], [Endpoints[n - 1]], ArpProxy: true))
            .With(gossip);
        return _daemons[n - 1] = Rig.StartOverlayd(Host(n), config);
    }

    /// <summary>SIGKILL: no leave message, the cluster has to find out.</summary>
    public void Kill(int n) => Daemon(n).Kill();

    /// <summary>Why h{n}'s `members` is not <paramref name="expected"/> (member name to state), or null when it is;
    /// the Go peer must be listed at its underlay address.</summary>
    public string? Problem(int n, IReadOnlyDictionary<string, string> expected)
    {
        try
        {
            var members = Daemon(n).Ctl.Members();
            var problems = new List<string>();
            foreach (var (name, state) in expected)
            {
                var row = members.FirstOrDefault(r => r.Name == name);
                if (row is null) problems.Add($"does not list {name}");
                else if (row.State != state) problems.Add($"lists {name} as {row.State}, not {state}");
                else if (name == GoName && (row.Address, row.Port) != (GoHost.Vtep, MemberlistPeer.Port))
                    problems.Add($"has {name} at {row.Address}:{row.Port}, not {GoHost.Vtep}:{MemberlistPeer.Port}");
            }
            return problems.Count == 0 ? null : $"h{n}: {string.Join("; ", problems)}\n  members: {string.Join("\n  ", members)}";
        }
        catch (Exception e) when (e is CommandException or InvalidOperationException)
        {
            return $"h{n}: overlayctl failed: {e.Message}";
        }
    }

    /// <summary>Why h{n} has not installed the other daemon's endpoint, or null when it has: `overlayctl endpoints`
    /// lists it installed (written by the other daemon's current life) and the switch holds a static entry for its MAC
    /// pointing at the other host.</summary>
    public string? EndpointProblem(int n)
    {
        int m = 3 - n;
        var e = Endpoints[m - 1];
        try
        {
            var ctl = Daemon(n).Ctl;
            var rows = ctl.Endpoints().Where(r => r.Vni == Vni && r.EndpointId == $"h{m}/{e.Name}").ToList();
            if (rows.Count != 1 || rows[0].State != "installed" || rows[0].Owner != $"h{m}" || rows[0].Vtep != Host(m).Vtep)
                return $"h{n} has not installed h{m}/{e.Name}:\n  {string.Join("\n  ", rows)}";
            var fdb = ctl.FdbShow().Where(r => r.Vni == Vni && string.Equals(r.Mac, e.Mac, StringComparison.OrdinalIgnoreCase)).ToList();
            return fdb.Count == 1 && fdb[0].Kind == "static" && fdb[0].Dst == Host(m).Vtep
                ? null
                : $"h{n}'s switch does not point {e.Mac} at h{m} ({Host(m).Vtep}):\n  {string.Join("\n  ", fdb)}";
        }
        catch (Exception ex) when (ex is CommandException or InvalidOperationException)
        {
            return $"h{n}: overlayctl failed: {ex.Message}";
        }
    }

    /// <summary>Why the Go peer has not printed <paramref name="count"/> <paramref name="kind"/> events about each of
    /// <paramref name="members"/>, or null when it has.</summary>
    public string? GoProblem(string kind, int count, params string[] members)
    {
        var missing = members.Where(m => Go.Count(kind, m) < count).ToList();
        return missing.Count == 0 ? null : $"{GoName} printed fewer than {count} {kind} event(s) about {string.Join(", ", missing)}";
    }

    /// <summary>Why memberlist's delegate has not yet been handed a user message (a daemon's endpoint broadcast)
    /// about each of <paramref name="endpointIds"/>, or null when it has.</summary>
    public string? GoUserMessageProblem(params string[] endpointIds)
    {
        var payloads = Go.Events.Where(e => e.Event == "user" && e.Data is not null).Select(e => Encoding.UTF8.GetString(e.Data!)).ToList();
        var missing = endpointIds.Where(id => !payloads.Any(p => p.Contains(id, StringComparison.Ordinal))).ToList();
        return missing.Count == 0 ? null : $"{GoName} got no user message about {string.Join(", ", missing)}";
    }

    /// <summary>What h{n}'s overlayd logged that says something went wrong: errors, and exceptions of the gossip
    /// transport (a bad datagram or stream is only counted, never logged).</summary>
    public IReadOnlyList<string> DaemonComplaints(int n) =>
        [.. Daemon(n).Log.Split('\n').Where(l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal)
            || l.Contains("gossip transport error", StringComparison.Ordinal))];

    public void Dispose() => Rig.Dispose();
}
