using System.Diagnostics;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests.Fixtures;

/// <summary>
/// Five hosts h1..h5 (198.18.0.1..5) on one underlay bridge, overlayd on each with gossip on (preset local, seed
/// h1) and VNI 42 with ARP proxy and NO flood list: all reachability comes from gossip. One endpoint per host in
/// the baseline: e1..e5 = 198.19.0.1..5, MAC 02:00:00:00:00:01..05, e{n} behind h{n}.
/// Tests kill, stop, restart and reconfigure daemons through this fixture, which remembers what each host runs
/// now; <see cref="EnsureBaseline"/> puts back whatever a test changed, so every test starts from the baseline
/// whatever order they run in.
/// </summary>
public sealed class GossipClusterFixture : IDisposable
{
    public const int Vni = 42;
    public const int HostCount = 5;
    public const string Network = "blue";

    /// <summary>From start (or restart) of the daemons to a converged cluster: a cold dotnet start on a busy 2-core
    /// machine, the join retry (1 s), push/pull and a few gossip rounds.</summary>
    public static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollPause = TimeSpan.FromMilliseconds(250);
    private readonly OverlayDaemon?[] _daemons = new OverlayDaemon?[HostCount];
    private readonly IReadOnlyList<OverlaydEndpoint>[] _endpoints = new IReadOnlyList<OverlaydEndpoint>[HostCount];
    private readonly Dictionary<string, string> _extraNamespaces = [];
    private RigHost? _outsider;

    public GossipClusterFixture()
    {
        Rig = new NetnsRig();
        try
        {
            Hosts = [.. Enumerable.Range(1, HostCount).Select(n => Rig.AddHost($"h{n}", n))];
            Baseline = [.. Enumerable.Range(1, HostCount).Select(n =>
                new OverlaydEndpoint($"e{n}", Rig.AddEndpointNamespace($"e{n}"), $"02:00:00:00:00:{n:x2}", $"198.19.0.{n}/24"))];
            // All at once, as hosts boot: some start before their seed listens and must retry the join.
            var clock = Stopwatch.StartNew();
            OnEach(All, n => Start(n));
            StartedIn = clock.Elapsed;
            WaitFor("the five-host gossip cluster to converge", ConvergeTimeout, () => Problem());
            ConvergedIn = clock.Elapsed;
        }
        catch
        {
            Rig.Dispose();
            throw;
        }
    }

    public NetnsRig Rig { get; }
    public IReadOnlyList<RigHost> Hosts { get; }

    /// <summary>e{n} is Baseline[n - 1], behind h{n}.</summary>
    public IReadOnlyList<OverlaydEndpoint> Baseline { get; }

    /// <summary>How long the first start of the five daemons took, and how long until the cluster had converged.</summary>
    public TimeSpan StartedIn { get; }
    public TimeSpan ConvergedIn { get; }

    public static IReadOnlyList<int> All { get; } = [.. Enumerable.Range(1, HostCount)];

    public RigHost Host(int n) => Hosts[n - 1];

    public OverlayDaemon Daemon(int n) => _daemons[n - 1] ?? throw new InvalidOperationException($"h{n} never ran overlayd");

    public bool IsRunning(int n) => _daemons[n - 1] is { HasExited: false };

    /// <summary>The hosts whose daemon runs now.</summary>
    public IReadOnlyList<int> Running => [.. All.Where(IsRunning)];

    /// <summary>The endpoints h{n}'s daemon was (last) started with.</summary>
    public IReadOnlyList<OverlaydEndpoint> EndpointsOn(int n) => _endpoints[n - 1];

    /// <summary>An endpoint namespace beyond the baseline's, made once and kept for the fixture's life.</summary>
    public string ExtraEndpointNamespace(string name)
    {
        lock (_extraNamespaces)
        {
            if (!_extraNamespaces.TryGetValue(name, out string? ns)) _extraNamespaces[name] = ns = Rig.AddEndpointNamespace(name);
            return ns;
        }
    }

    /// <summary>A namespace on the underlay (198.18.0.9) that runs no overlayd and is no member.</summary>
    public RigHost Outsider => _outsider ??= Rig.AddHost("x", 9);

    public OverlaydConfig ConfigFor(int n, IReadOnlyList<OverlaydEndpoint> endpoints) =>
        Rig.OverlaydConfigFor(Host(n))
            .With(new OverlaydNetwork(Network, Vni, [], endpoints, ArpProxy: true))
            .With(new OverlaydGossip([Host(1).Vtep], Preset: "local"));

    /// <summary>Starts h{n}'s overlayd with <paramref name="endpoints"/> (its baseline endpoint when null).</summary>
    public OverlayDaemon Start(int n, IReadOnlyList<OverlaydEndpoint>? endpoints = null)
    {
        if (IsRunning(n)) throw new InvalidOperationException($"h{n} runs overlayd already");
        endpoints ??= [Baseline[n - 1]];
        var daemon = Rig.StartOverlayd(Host(n), ConfigFor(n, endpoints));
        _daemons[n - 1] = daemon;
        _endpoints[n - 1] = endpoints;
        return daemon;
    }

    /// <summary>SIGTERM (graceful: it leaves the cluster); the exit code, or null when it had to be killed.</summary>
    public int? Stop(int n) => Daemon(n).Stop(TimeSpan.FromSeconds(15));

    /// <summary>SIGKILL: no leave message, the cluster has to find out.</summary>
    public void Kill(int n) => Daemon(n).Kill();

    /// <summary>Stops h{n}'s daemon (gracefully) when it runs and starts it again with <paramref name="endpoints"/>.</summary>
    public OverlayDaemon Restart(int n, IReadOnlyList<OverlaydEndpoint> endpoints)
    {
        if (IsRunning(n))
        {
            int? code = Stop(n);
            if (code != 0) throw new InvalidOperationException($"overlayd on h{n} exited {code?.ToString() ?? "only when killed"} on SIGTERM\n{Daemon(n).Log}");
        }
        return Start(n, endpoints);
    }

    /// <summary>Puts every host back to its baseline daemon (restarting those a test stopped, killed or
    /// reconfigured: stopped first, so a moved endpoint's TAP is free again) and waits until the cluster converged.</summary>
    public void EnsureBaseline()
    {
        var off = All.Where(n => !IsRunning(n) || !EndpointsOn(n).SequenceEqual([Baseline[n - 1]])).ToList();
        foreach (int n in off.Where(IsRunning)) Stop(n);
        OnEach(off, n => Start(n));
        WaitFor("the cluster to be back at its baseline", ConvergeTimeout, () => Problem());
    }

    /// <summary>
    /// Why <paramref name="cluster"/> (the running hosts when null) has not converged, or null when it has: every
    /// one of them lists every other as alive and no other member alive, and holds exactly the other hosts'
    /// endpoints as static entries, each toward its host's VTEP.
    /// </summary>
    public string? Problem(IReadOnlyList<int>? cluster = null)
    {
        cluster ??= Running;
        var problems = OnEach(cluster, n => HostProblem(n, cluster)).Where(p => p is not null).ToList();
        return problems.Count == 0 ? null : string.Join("\n", problems);
    }

    private string? HostProblem(int n, IReadOnlyList<int> cluster)
    {
        try
        {
            var ctl = Daemon(n).Ctl;
            var problems = new List<string>();
            var members = ctl.Members();
            foreach (int m in cluster)
            {
                var row = members.FirstOrDefault(r => r.Name == Host(m).Name);
                if (row is null) problems.Add($"does not list h{m}");
                else if (row.State != "alive") problems.Add($"lists h{m} as {row.State}");
            }
            foreach (var stranger in members.Where(r => r.State == "alive" && !cluster.Any(m => Host(m).Name == r.Name)))
                problems.Add($"lists {stranger} alive, not one of ours");

            var expected = cluster.Where(m => m != n)
                .SelectMany(m => EndpointsOn(m).Select(e => (Mac: e.Mac, Vtep: Host(m).Vtep, Id: $"h{m}/{e.Name}")))
                .ToList();
            var statics = ctl.FdbShow().Where(r => r.Vni == Vni && r.Kind == "static").ToList();
            foreach (var e in expected)
            {
                var rows = statics.Where(r => SameMac(r.Mac, e.Mac)).ToList();
                if (rows.Count == 0) problems.Add($"has no static fdb entry for {e.Id} ({e.Mac})");
                else if (rows.Count > 1 || rows[0].Dst != e.Vtep) problems.Add($"has {e.Id} ({e.Mac}) toward {string.Join(", ", rows.Select(r => r.Dst))}, not {e.Vtep}");
            }
            foreach (var r in statics.Where(r => !expected.Any(e => SameMac(e.Mac, r.Mac))))
                problems.Add($"still has a static fdb entry {r.Mac} -> {r.Dst}");
            return problems.Count == 0 ? null : $"h{n}: " + string.Join("; ", problems);
        }
        catch (Exception e) when (e is CommandException or InvalidOperationException)
        {
            return $"h{n}: overlayctl failed: {e.Message}";
        }
    }

    public static bool SameMac(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>Polls <paramref name="problem"/> until it returns null and returns how long that took; fails the
    /// test with the last problem and every daemon's log after <paramref name="timeout"/>.</summary>
    public TimeSpan WaitFor(string what, TimeSpan timeout, Func<string?> problem)
    {
        var clock = Stopwatch.StartNew();
        string? last;
        while ((last = problem()) is not null)
        {
            if (clock.Elapsed > timeout)
                Assert.Fail($"waited {timeout.TotalSeconds:F0} s for {what}; still:\n{last}\n\n{Rig.Describe()}");
            Thread.Sleep(PollPause);
        }
        return clock.Elapsed;
    }

    /// <summary>Runs <paramref name="work"/> for every host at once, each on its own thread (they block on child
    /// processes; the thread pool of a 2-core machine would serialize them), and returns the results in order.</summary>
    public static IReadOnlyList<T> OnEach<T>(IReadOnlyList<int> hosts, Func<int, T> work)
    {
        var results = new T[hosts.Count];
        var errors = new Exception?[hosts.Count];
        var threads = hosts.Select((n, i) => new Thread(() =>
        {
            try { results[i] = work(n); }
            catch (Exception e) { errors[i] = e; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var failed = errors.Where(e => e is not null).ToList();
        if (failed.Count == 1) throw failed[0]!;
        if (failed.Count > 1) throw new AggregateException(failed!);
        return results;
    }

    public static void OnEach(IReadOnlyList<int> hosts, Action<int> work) => OnEach(hosts, n =>
    {
        work(n);
        return 0;
    });

    public void Dispose() => Rig.Dispose();
}
