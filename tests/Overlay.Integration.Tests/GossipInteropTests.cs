using System.Diagnostics;
using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;
using Xunit.Abstractions;

namespace Overlay.Integration.Tests;

/// <summary>
/// Interop across real kernel interfaces: a Go hashicorp/memberlist node (Debian's 0.2.2) and two overlayd daemons,
/// each in its own namespace on one underlay, form one cluster (the daemons learn of each other only through the Go
/// peer, their only seed); each side sees the others join, each daemon installs the other's endpoint within
/// <see cref="EndpointBound"/> (also after a restart), a killed overlayd goes dead at the Go peer and at the other
/// daemon, a restarted one comes back, and the killed Go peer goes dead at both daemons. Plain and with a shared AES
/// key (memberlist 0.2.2 has its own keyring, but no labels). Measured times are written to the test output.
/// </summary>
[Collection(NetnsCollection.Name)]
public sealed class GossipInteropTests(ITestOutputHelper output)
{
    /// <summary>
    /// From SIGKILL to dead, for the preset both sides run (overlayd's local = memberlist's DefaultLocalConfig): probe
    /// interval 1 s, probe timeout 200 ms, one indirect probe, TCP fallback within 1 s. A survivor probes the two
    /// others in turn (the order reshuffled every pass), so the victim's turn comes within 3 probe intervals and its
    /// failed round ends 1 s later: suspected within 4 s. Lifeguard suspicion of 3 members: min = SuspicionMult 3 x
    /// max(1, log10 3) x 1 s = 3 s once the other survivor confirms (SuspicionMult - 2 = 1 confirmation wanted), max
    /// = SuspicionMaxTimeoutMult 6 x 3 s = 18 s without; then the dead message gossips every 100 ms. Usually ~7 s, at
    /// most ~22 s; 30 s leaves room for Lifeguard awareness stretching the probe rounds of a busy 2-core machine, and
    /// for polling with overlayctl.
    /// </summary>
    public static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// From all three seeing each other (or a restarted h2 being alive everywhere) to each daemon having installed the
    /// other's endpoint. The daemons meet only through the Go peer, which does not relay their broadcasts, so the
    /// endpoint comes by the direct push/pull a daemon starts with a member whose metadata is overlayd's when it first
    /// sees it (or sees its new life): decided at a random moment within one probe interval (1 s, preset local), then
    /// one TCP exchange. A restarted h2's first write is above its earlier life's (hybrid clock), so it is installed
    /// as soon as it arrives. About 1 s; 8 s leaves room for a busy 2-core machine and polling with overlayctl, and
    /// is below the 15 s push/pull interval that used to be the only way (10-25 s observed).
    /// </summary>
    public static readonly TimeSpan EndpointBound = TimeSpan.FromSeconds(8);

    /// <summary>The Go peer's events are in memory: poll them finely, for a finer measurement.</summary>
    private static readonly TimeSpan GoPollPause = TimeSpan.FromMilliseconds(50);

    /// <summary>A 32-byte AES key (AES-256-GCM) that the two daemons and the Go peer share.</summary>
    private static readonly string Key = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)(i * 7))]);

    private const string GoName = GossipInteropFixture.GoName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GoMemberlistAndTwoDaemons_SeeEachOtherJoin_AndEveryKilledMemberGoesDead(bool encrypted)
    {
        string variant = encrypted ? "encrypted" : "plain";
        using var f = new GossipInteropFixture(encrypted ? Key : null);
        var rig = f.Rig;
        var allAlive = States(("h1", "alive"), ("h2", "alive"), (GoName, "alive"));

        // (1) Both daemons join through the Go peer and all three converge; each daemon's endpoint broadcast (a user
        // message) reaches memberlist's delegate.
        var clock = Stopwatch.StartNew();
        GossipClusterFixture.OnEach(GossipInteropFixture.Both, n => f.Start(n));
        var serving = clock.Elapsed;
        var converged = rig.WaitFor("the Go peer and both daemons to see each other alive", GossipInteropFixture.ConvergeTimeout,
            () => f.GoProblem("join", 1, "h1", "h2") ?? f.Problem(1, allAlive) ?? f.Problem(2, allAlive) ?? f.GoUserMessageProblem("h1/e1", "h2/e2"));
        output.WriteLine($"{variant}: daemons serving {serving.TotalSeconds:F1} s after start, all three converged {converged.TotalSeconds:F1} s later");
        var installed = GossipClusterFixture.OnEach(GossipInteropFixture.Both, n =>
            rig.WaitFor($"h{n} to install h{3 - n}'s endpoint", EndpointBound, () => f.EndpointProblem(n)));
        output.WriteLine($"{variant}: endpoints installed at h1 {installed[0].TotalSeconds:F1} s, at h2 {installed[1].TotalSeconds:F1} s after that ({clock.Elapsed.TotalSeconds:F1} s after start; bound {EndpointBound.TotalSeconds:F0} s)");

        // (2) kill -9 h2: the Go peer (NotifyLeave) and h1 (members) declare it dead, each on its own.
        f.Kill(2);
        Func<TimeSpan>[] observers =
        [
            () => rig.WaitFor("the Go peer to declare h2 gone", DetectionBound, () => f.GoProblem("leave", 1, "h2"), GoPollPause),
            () => rig.WaitFor("h1 to see h2 dead", DetectionBound, () => f.Problem(1, States(("h1", "alive"), ("h2", "dead"), (GoName, "alive")))),
        ];
        var afterKill = GossipClusterFixture.OnEach([0, 1], i => observers[i]());
        output.WriteLine($"{variant}: kill -9 h2: gone at the Go peer after {afterKill[0].TotalSeconds:F1} s, dead at h1 after {afterKill[1].TotalSeconds:F1} s (bound {DetectionBound.TotalSeconds:F0} s)");

        // h2 restarted: memberlist holds it dead, so the new life must outbid that incarnation to be taken back
        // (memberlist then reports a second join), and h1 must take it back too.
        var restart = Stopwatch.StartNew();
        f.Start(2);
        var restartServing = restart.Elapsed;
        var back = rig.WaitFor("h2 to be back alive everywhere", GossipInteropFixture.ConvergeTimeout,
            () => f.GoProblem("join", 2, "h2") ?? f.Problem(1, allAlive) ?? f.Problem(2, allAlive));
        output.WriteLine($"{variant}: h2 restarted: serving after {restartServing.TotalSeconds:F1} s, back alive everywhere {back.TotalSeconds:F1} s later");
        // Its new life's endpoint replaces the old one's at h1 (which holds the old, suspended record), and h2 learns h1's.
        var reinstalled = GossipClusterFixture.OnEach(GossipInteropFixture.Both, n =>
            rig.WaitFor($"h{n} to install h{3 - n}'s endpoint after h2's restart", EndpointBound, () => f.EndpointProblem(n)));
        output.WriteLine($"{variant}: h2 restarted: endpoints installed at h1 {reinstalled[0].TotalSeconds:F1} s, at h2 {reinstalled[1].TotalSeconds:F1} s after that ({restart.Elapsed.TotalSeconds:F1} s after the restart; bound {EndpointBound.TotalSeconds:F0} s)");

        // (3) kill -9 the Go peer: both daemons declare it dead.
        f.Go.Kill();
        var goDead = States(("h1", "alive"), ("h2", "alive"), (GoName, "dead"));
        var detected = GossipClusterFixture.OnEach(GossipInteropFixture.Both, n =>
            rig.WaitFor($"h{n} to see {GoName} dead", DetectionBound, () => f.Problem(n, goDead)));
        output.WriteLine($"{variant}: kill -9 {GoName}: dead at h1 after {detected[0].TotalSeconds:F1} s, at h2 after {detected[1].TotalSeconds:F1} s (bound {DetectionBound.TotalSeconds:F0} s)");

        // Neither side choked on the other: memberlist read everything we sent; the daemons took the Go peer's
        // metadata (not our format) and its push/pull user state (no endpoint table) without an error.
        var goComplaints = f.Go.Complaints();
        Assert.True(goComplaints.Count == 0, $"memberlist could not read what the daemons sent:\n  {string.Join("\n  ", goComplaints)}\n{f.Go.Log}");
        foreach (int n in GossipInteropFixture.Both)
        {
            Assert.False(f.Daemon(n).HasExited, $"h{n}'s overlayd exited:\n{f.Daemon(n).Log}");
            var complaints = f.DaemonComplaints(n);
            Assert.True(complaints.Count == 0, $"h{n}'s overlayd logged errors:\n  {string.Join("\n  ", complaints)}\n{f.Daemon(n).Log}");
        }
    }

    private static Dictionary<string, string> States(params (string Member, string State)[] states) =>
        states.ToDictionary(s => s.Member, s => s.State);
}
