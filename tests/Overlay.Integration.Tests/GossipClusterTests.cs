using System.Diagnostics;
using System.Text.RegularExpressions;
using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;
using Xunit.Abstractions;

namespace Overlay.Integration.Tests;

/// <summary>
/// Gossip end to end: five overlayd hosts that learn each other's endpoints only from gossip (no flood list, ARP
/// proxy on), then a crash, a move, a lossy underlay and hostile datagrams at the gossip port.
/// Measured times are written to the test output.
/// </summary>
[Collection(NetnsCollection.Name)]
public sealed partial class GossipClusterTests(GossipClusterFixture f, ITestOutputHelper output) : IClassFixture<GossipClusterFixture>
{
    /// <summary>
    /// From SIGKILL to the dead host's endpoint gone from every other switch, with the local preset and 5 members:
    /// up to ~2 s until a failed probe round (probe interval 1 s, timeout 200 ms, one indirect probe, a TCP
    /// fallback), then Lifeguard suspicion of 3 s (SuspicionMult 3 x 1 s) once another member confirms, at most
    /// 18 s (6 x 3 s) without confirmation, then the dead message gossiped every 100 ms. 25 s leaves room for a
    /// busy machine and for polling with overlayctl.
    /// </summary>
    public static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(25);

    /// <summary>From the new host's daemon serving (joined, endpoint published) to every host switched over. Usually
    /// 1-3 s: the join push/pull and a few 100 ms gossip rounds. But the local preset hands each broadcast to only
    /// RetransmitMult x ceil(log10(n + 1)) = 2 members (relays spread it further), so now and then a host misses it
    /// and learns at its next push/pull, every 15 s: 25 s covers that on a busy machine.</summary>
    public static readonly TimeSpan MoveBound = TimeSpan.FromSeconds(25);

    /// <summary>How long members must all stay alive under 10 % gossip packet loss.</summary>
    public static readonly TimeSpan LossObservation = TimeSpan.FromSeconds(20);

    private NetnsRig Rig => f.Rig;

    private string Ns(int n) => f.Baseline[n - 1].Netns;

    private static string Ip(int n) => $"198.19.0.{n}";

    [Fact]
    public void FiveHosts_GossipOnly_EveryEndpointReachesEveryOther()
    {
        f.EnsureBaseline();
        output.WriteLine($"first start of 5 daemons {f.StartedIn.TotalSeconds:F1} s, converged {f.ConvergedIn.TotalSeconds:F1} s after start");

        GossipClusterFixture.OnEach(GossipClusterFixture.All, n =>
        {
            var ctl = f.Daemon(n).Ctl;
            var members = ctl.Members();
            Assert.True(members.Count == GossipClusterFixture.HostCount && members.All(m => m.State == "alive"),
                $"h{n}: members should list 5 alive:\n  {string.Join("\n  ", members)}");
            Assert.Equal(["h1", "h2", "h3", "h4", "h5"], members.Select(m => m.Name).Order());

            var fdb = ctl.FdbShow();
            foreach (int m in GossipClusterFixture.All.Where(m => m != n))
            {
                var rows = fdb.Where(r => r.Vni == GossipClusterFixture.Vni && GossipClusterFixture.SameMac(r.Mac, f.Baseline[m - 1].Mac)).ToList();
                Assert.True(rows.Count == 1 && rows[0].Kind == "static" && rows[0].Dst == f.Host(m).Vtep,
                    $"h{n}: expected one static fdb entry {f.Baseline[m - 1].Mac} -> {f.Host(m).Vtep}, found:\n  {string.Join("\n  ", rows)}\nwhole fdb:\n  {string.Join("\n  ", fdb)}");
            }

            var endpoints = ctl.Endpoints();
            Assert.True(endpoints.Count(e => e.State == "installed") == 4 && endpoints.Count(e => e.State == "local") == 1,
                $"h{n}: expected 4 installed endpoints and 1 local:\n  {string.Join("\n  ", endpoints)}");
        });

        // All from h1's endpoint, and a sample of the other pairs (every host a source at least once).
        (int From, int To)[] pairs = [(1, 2), (1, 3), (1, 4), (1, 5), (2, 3), (3, 5), (4, 1), (5, 2), (2, 4), (5, 3)];
        var pings = GossipClusterFixture.OnEach([.. Enumerable.Range(0, pairs.Length)], i => Rig.Ping(Ns(pairs[i].From), Ip(pairs[i].To)));
        var failed = pairs.Zip(pings).Where(p => !p.Second.AllAnswered).ToList();
        Assert.True(failed.Count == 0, "pings that lost replies:\n" + string.Join("\n", failed.Select(p =>
            $"e{p.First.From} -> e{p.First.To}: {p.Second.Received}/{p.Second.Transmitted}\n{p.Second.Output}")) + "\n" + Rig.Describe());
    }

    [Fact]
    public void KilledHost_IsDeclaredDead_ItsEndpointWithdrawnEverywhere_AndReturnsOnRestart()
    {
        f.EnsureBaseline();
        const int victim = 3;
        var endpoint = f.Baseline[victim - 1];
        int[] others = [1, 2, 4, 5];

        var clock = Stopwatch.StartNew();
        f.Kill(victim);
        var detected = GossipClusterFixture.OnEach(others, n =>
        {
            var ctl = f.Daemon(n).Ctl;
            IReadOnlyList<FdbRow> fdb;
            while ((fdb = ctl.FdbShow()).Any(r => r.Vni == GossipClusterFixture.Vni && GossipClusterFixture.SameMac(r.Mac, endpoint.Mac)))
            {
                if (clock.Elapsed > DetectionBound)
                {
                    Assert.Fail($"h{n} still has {endpoint.Mac} (h{victim}'s endpoint) {DetectionBound.TotalSeconds:F0} s after h{victim} was killed:\n  " +
                        string.Join("\n  ", fdb) + "\nmembers:\n  " + string.Join("\n  ", ctl.Members()) + "\n" + Rig.Describe());
                }
                Thread.Sleep(200);
            }
            var at = clock.Elapsed;
            var members = ctl.Members();
            var row = members.FirstOrDefault(m => m.Name == $"h{victim}");
            Assert.True(row?.State == "dead", $"h{n} withdrew h{victim}'s endpoint after {at.TotalSeconds:F1} s, but members shows h{victim} as {row?.State ?? "absent"}:\n  {string.Join("\n  ", members)}");
            var endpoints = ctl.Endpoints();
            var record = endpoints.FirstOrDefault(e => e.EndpointId == $"h{victim}/{endpoint.Name}");
            Assert.True(record?.State == "suspended", $"h{n}: endpoint h{victim}/{endpoint.Name} should be suspended:\n  {string.Join("\n  ", endpoints)}");
            return at;
        });
        output.WriteLine($"kill -9 h{victim}: endpoint withdrawn and h{victim} dead on " +
            string.Join(", ", others.Zip(detected).Select(p => $"h{p.First} {p.Second.TotalSeconds:F1} s")) +
            $" (bound {DetectionBound.TotalSeconds:F0} s)");
        // Traffic toward the dead host's endpoint has nowhere to go; the others still reach each other.
        Assert.False(Rig.Ping(Ns(1), Ip(victim), count: 1).AllAnswered, $"e1 still reaches e{victim} with h{victim} dead");
        OverlayAssert.PingsBothWays(Rig, Ns(1), Ip(1), Ns(5), Ip(5));

        // Restart with the same config: back everywhere.
        var restart = Stopwatch.StartNew();
        f.Start(victim);
        var serving = restart.Elapsed;
        var back = f.WaitFor($"h{victim} and its endpoint to be back on every host", GossipClusterFixture.ConvergeTimeout, () => f.Problem());
        output.WriteLine($"restart of h{victim}: serving after {serving.TotalSeconds:F1} s, endpoint back on every host {(serving + back).TotalSeconds:F1} s after the restart");
        OverlayAssert.PingsBothWays(Rig, Ns(1), Ip(1), Ns(victim), Ip(victim));
        OverlayAssert.PingsBothWays(Rig, Ns(victim), Ip(victim), Ns(5), Ip(5));
    }

    [Fact]
    public void EndpointMovesToAnotherHost_TrafficFollows_AndNoHostPointsAtTheOldOne()
    {
        f.EnsureBaseline();
        var moving = f.Baseline[4];
        string mac = moving.Mac;
        var clock = Stopwatch.StartNew();
        int? code = f.Stop(5);
        Assert.True(code == 0, $"overlayd on h5 exited {code?.ToString() ?? "only when killed"} on SIGTERM\n{f.Daemon(5).Log}");
        var stopped = clock.Elapsed;

        // The same endpoint (namespace, MAC, address) now behind h4, as a second endpoint of h4's.
        f.Restart(4, [f.Baseline[3], moving]);
        var serving = clock.Elapsed;

        var reached = f.WaitFor("e1 to reach the moved endpoint", MoveBound, () =>
            Rig.Ping(Ns(1), moving.Address, count: 1).AllAnswered ? null : $"e1 gets no answer from {moving.Address}");
        int[] cluster = [1, 2, 3, 4];
        var converged = f.WaitFor($"every host to point {mac} at h4 and none at h5", MoveBound, () => f.Problem(cluster));
        output.WriteLine($"move e5 h5 -> h4: h5 stopped {stopped.TotalSeconds:F1} s, h4 serving again {serving.TotalSeconds:F1} s; " +
            $"then traffic reached it after {reached.TotalSeconds:F1} s, every fdb switched over after {converged.TotalSeconds:F1} s (bound {MoveBound.TotalSeconds:F0} s)");

        // Explicitly: no host's fdb points the MAC at h5; h1..h3 point it at h4.
        GossipClusterFixture.OnEach(cluster, n =>
        {
            var rows = f.Daemon(n).Ctl.FdbShow().Where(r => GossipClusterFixture.SameMac(r.Mac, mac)).ToList();
            Assert.True(!rows.Any(r => r.Dst == f.Host(5).Vtep), $"h{n} still points {mac} at h5:\n  {string.Join("\n  ", rows)}");
            if (n != 4)
                Assert.True(rows.Count == 1 && rows[0].Kind == "static" && rows[0].Dst == f.Host(4).Vtep, $"h{n} should point {mac} at h4:\n  {string.Join("\n  ", rows)}");
        });
        var table = f.Daemon(1).Ctl.Endpoints();
        Assert.True(table.Any(e => e.EndpointId == "h4/e5" && e.State == "installed") && table.Any(e => e.EndpointId == "h5/e5" && e.State == "suspended"),
            $"h1's endpoint table should have h4/e5 installed and h5/e5 suspended:\n  {string.Join("\n  ", table)}");
        foreach (int n in new[] { 1, 2, 3 })
            OverlayAssert.PingsBothWays(Rig, Ns(n), Ip(n), moving.Netns, moving.Address);
    }

    [Fact]
    public void TenPercentGossipLoss_NoFalseDeaths_AndANewEndpointStillConverges()
    {
        f.EnsureBaseline();
        const string table = "ovlloss";
        const string ruleset = $$"""
            table inet {{table}} {
                chain input {
                    type filter hook input priority 0; policy accept;
                    udp dport 7946 numgen random mod 10 == 0 counter drop
                }
            }
            """;
        string rules = Rig.WriteConfig("loss.nft", ruleset);
        try
        {
            foreach (int n in GossipClusterFixture.All) Rig.Exec(f.Host(n).Namespace, "nft", "-f", rules);

            // Watch every host's view of every member for the whole period.
            var clock = Stopwatch.StartNew();
            var deaths = new List<string>();
            var suspicions = new List<string>();
            int rounds = 0;
            while (clock.Elapsed < LossObservation)
            {
                var views = GossipClusterFixture.OnEach(GossipClusterFixture.All, n => f.Daemon(n).Ctl.Members());
                rounds++;
                for (int i = 0; i < views.Count; i++)
                {
                    foreach (int m in GossipClusterFixture.All)
                    {
                        var row = views[i].FirstOrDefault(r => r.Name == $"h{m}");
                        string seen = $"{clock.Elapsed.TotalSeconds:F1} s: h{i + 1} sees h{m} {row?.State ?? "absent"}";
                        if (row is null || row.State is "dead" or "left") deaths.Add(seen);
                        else if (row.State == "suspect") suspicions.Add(seen);
                    }
                }
                Thread.Sleep(500);
            }
            long dropped = GossipClusterFixture.All.Sum(n => DroppedBy(n, table));
            output.WriteLine($"10 % loss for {LossObservation.TotalSeconds:F0} s: {dropped} gossip packets dropped, {rounds} observation rounds, " +
                $"{suspicions.Count} suspect sightings{(suspicions.Count > 0 ? ": " + string.Join("; ", suspicions.Take(5)) : "")}");
            Assert.True(deaths.Count == 0, $"members were declared dead under 10 % loss:\n  {string.Join("\n  ", deaths)}\n{Rig.Describe()}");
            Assert.True(dropped > 0, "the nftables rule dropped no gossip packet: the loss was not in effect");

            // A new endpoint (h2 restarted with a second one) still reaches every host.
            var extra = new OverlaydEndpoint("e6", f.ExtraEndpointNamespace("e6"), "02:00:00:00:00:06", "198.19.0.6/24");
            var restart = Stopwatch.StartNew();
            f.Restart(2, [f.Baseline[1], extra]);
            var serving = restart.Elapsed;
            var converged = f.WaitFor("the new endpoint e6 (h2) to converge under loss", GossipClusterFixture.ConvergeTimeout, () => f.Problem());
            output.WriteLine($"new endpoint under loss: h2 serving {serving.TotalSeconds:F1} s after restart, every host converged {converged.TotalSeconds:F1} s later");
            OverlayAssert.PingsBothWays(Rig, Ns(1), Ip(1), extra.Netns, extra.Address);
            OverlayAssert.PingsBothWays(Rig, Ns(5), Ip(5), extra.Netns, extra.Address);
        }
        finally
        {
            foreach (int n in GossipClusterFixture.All)
                Command.Run(["ip", "netns", "exec", f.Host(n).Namespace, "nft", "delete", "table", "inet", table], check: false);
        }

        // h2 back without e6: e6 (a record of h2's previous life) must leave every switch.
        var removal = Stopwatch.StartNew();
        f.EnsureBaseline();
        output.WriteLine($"h2 restarted without e6: gone from every host after {removal.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Random bytes, every message type with a garbage or cut-short body, a bogus member's alive message
    /// cut at every length, broken compound, compressed and CRC messages, and complete alive messages behind a
    /// label that is not the cluster's; over TCP: garbage streams, a push/pull header claiming absurd sizes, idle
    /// connections. A bogus member "mallory" must never appear.</summary>
    private const string HostileSender = """
import random, socket, struct, sys, time
dst = (sys.argv[1], 7946)
rnd = random.Random(11)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = {}
def send(kind, payload, n=1):
    for _ in range(n): u.sendto(payload, dst)
    sent[kind] = sent.get(kind, 0) + n
def s(x):
    b = x.encode(); return (bytes([0xa0 | len(b)]) if len(b) < 32 else bytes([0xd9, len(b)])) + b
def b(x): return bytes([0xc4, len(x)]) + x
def u16(n): return bytes([0xcd]) + struct.pack('!H', n)
def u32(n): return bytes([0xce]) + struct.pack('!I', n)
def m(*kv): return bytes([0x80 | (len(kv) // 2)]) + b''.join(kv)
alive = bytes([4]) + m(s('Addr'), b(socket.inet_aton(sys.argv[2])), s('Incarnation'), u32(7), s('Meta'), b(b''),
                       s('Node'), s('mallory'), s('Port'), u16(7946), s('Vsn'), b(bytes([1, 5, 2, 0, 0, 0])))
for _ in range(300): send('random', rnd.randbytes(rnd.randrange(0, 1400)))
for t in list(range(0, 16)) + [244, 255]:
    for _ in range(10): send('typed_garbage', bytes([t]) + rnd.randbytes(rnd.randrange(0, 80)))
for cut in range(len(alive)): send('truncated_alive', alive[:cut])
send('compound', bytes([7, 255]) + struct.pack('!H', 1400) * 255, 5)
send('compound', bytes([7, 3]) + struct.pack('!HHH', 10, 10, 60000) + rnd.randbytes(20), 5)
send('compound', bytes([7, 1]) + struct.pack('!H', len(alive) + 5) + alive, 5)
send('compress', bytes([9]) + m(s('Algo'), bytes([0]), s('Buf'), b(rnd.randbytes(200))), 5)
send('compress', bytes([9]) + m(s('Algo'), bytes([0]), s('Buf'), b(bytes([0xff] * 200))), 5)
send('bad_crc', bytes([12]) + struct.pack('!I', 0xdeadbeef) + alive, 5)
send('encrypted_garbage', bytes([1]) + rnd.randbytes(100), 5)
for label in [b'evil', b'x' * 255, b'\x00']:
    send('wrong_label', bytes([244, len(label)]) + label + alive, 5)
    send('wrong_label', bytes([244, len(label)]) + label + bytes([7, 1]) + struct.pack('!H', len(alive)) + alive, 5)
send('wrong_label', bytes([244, 200]) + b'abc', 5)
send('wrong_label', bytes([244, 0]) + alive, 5)
send('wrong_label', bytes([244, 4]) + b'evil' + bytes([244, 4]) + b'evil' + alive, 5)
tcp = 0
for i in range(15):
    try:
        c = socket.create_connection(dst, timeout=2)
        if i % 3 == 0: c.sendall(rnd.randbytes(rnd.randrange(1, 4000)))
        elif i % 3 == 1: c.sendall(bytes([6]) + m(s('Join'), bytes([0xc2]), s('Nodes'), u32(0x7fffffff), s('UserStateLen'), u32(0x7fffffff)) + rnd.randbytes(50))
        else: c.sendall(bytes([244, 4]) + b'evil' + alive)
        c.close(); tcp += 1
    except OSError as e:
        print('tcp', i, e)
idle = []
for i in range(5):
    try:
        c = socket.create_connection(dst, timeout=2); c.sendall(bytes([6])); idle.append(c)
    except OSError as e:
        print('idle', i, e)
time.sleep(3)
for c in idle: c.close()
print('udp', sum(sent.values()), sent, 'tcp', tcp, 'idle', len(idle))
""";

    [Fact]
    public void HostileDatagramsAtTheGossipPort_LeaveTheClusterHealthy()
    {
        f.EnsureBaseline();
        var outsider = f.Outsider;
        string script = Rig.WriteConfig("hostile-gossip.py", HostileSender);
        var sent = Rig.Exec(outsider.Namespace, TimeSpan.FromSeconds(60), "python3", script, f.Host(1).Vtep, outsider.Vtep);
        output.WriteLine($"sent from {outsider.Vtep} to {f.Host(1).Vtep}:7946: {sent.Stdout.Trim()}");

        // Let anything the input could set off (a bogus member probed, a refutation) play out.
        Thread.Sleep(TimeSpan.FromSeconds(3));
        foreach (int n in GossipClusterFixture.All)
            Assert.False(f.Daemon(n).HasExited, $"overlayd on h{n} exited after hostile gossip input:\n{f.Daemon(n).Log}");
        string? problem = f.Problem();
        Assert.True(problem is null, $"the cluster is not healthy after hostile gossip input:\n{problem}\n{Rig.Describe()}");
        var strangers = GossipClusterFixture.OnEach(GossipClusterFixture.All, n => f.Daemon(n).Ctl.Members().Where(m => m.Name == "mallory").ToList());
        Assert.True(strangers.All(s => s.Count == 0), $"a member made up by hostile input was accepted: {string.Join(", ", strangers.SelectMany(s => s))}");
        OverlayAssert.PingsBothWays(Rig, Ns(2), Ip(2), Ns(1), Ip(1));
    }

    private long DroppedBy(int n, string table)
    {
        var listing = Rig.Exec(f.Host(n).Namespace, "nft", "list", "table", "inet", table).Stdout;
        return Counter().Matches(listing).Sum(m => long.Parse(m.Groups[1].Value));
    }

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex Counter();
}
