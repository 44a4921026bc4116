using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;
using Xunit.Abstractions;

namespace Overlay.Integration.Tests;

/// <summary>Two switch workers per daemon: traffic flows, both workers carry it, tables and control changes stay
/// one per daemon although each worker keeps its own replica.</summary>
[Collection(NetnsCollection.Name)]
public sealed class WorkersTests(TwoWorkersFixture f, ITestOutputHelper output) : IClassFixture<TwoWorkersFixture>
{
    [Fact]
    public void Many_flows_cross_both_ways_and_both_workers_of_each_daemon_carry_them()
    {
        OverlayAssert.PingsBothWays(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, TwoHostsFixture.AddressB);
        var before1 = WorkerTicks(f.D1);
        var before2 = WorkerTicks(f.D2);
        var there = Iperf3.Run(f.Rig, f.B, TwoHostsFixture.AddressB, f.A, seconds: 3, streams: 8);
        var back = Iperf3.Run(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, seconds: 3, streams: 8);
        output.WriteLine($"a -> b {there.ReceivedBitsPerSecond / 1e9:F2} Gbit/s, b -> a {back.ReceivedBitsPerSecond / 1e9:F2} Gbit/s (8 streams)");
        Assert.True(there.ReceivedBitsPerSecond > 1e6 && back.ReceivedBitsPerSecond > 1e6, $"too slow: {there.ReceivedBitsPerSecond} / {back.ReceivedBitsPerSecond} bit/s");

        foreach (var (d, before) in new[] { (f.D1, before1), (f.D2, before2) })
        {
            var after = WorkerTicks(d);
            Assert.Equal(2, after.Count);
            var used = after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));
            output.WriteLine($"{d.Host.Name}: " + string.Join(", ", used.Select(kv => $"{kv.Key} {kv.Value} ticks")));
            // 16 flows over two queues and two sockets: the kernel's hash leaves both workers some.
            Assert.True(used.Values.All(t => t > 0), $"{d.Host.Name}: a worker did no work: {string.Join(", ", used)}");
        }
    }

    [Fact]
    public void The_fdb_shows_one_learned_entry_per_mac_and_a_change_reaches_every_worker()
    {
        OverlayAssert.PingsBothWays(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, TwoHostsFixture.AddressB);
        var learned = OverlayAssert.FdbEntry(f.D1.Ctl, TwoHostsFixture.Vni, TwoHostsFixture.MacB);
        Assert.Equal(("dynamic", f.H2.Vtep), (learned.Kind, learned.Dst));

        // Point b's MAC at a VTEP that does not exist: no worker may still reach b.
        f.D1.Ctl.Run("fdb", "replace", TwoHostsFixture.MacB, "--dst", "198.18.0.99", "--network", "blue", "static");
        try
        {
            var moved = OverlayAssert.FdbEntry(f.D1.Ctl, TwoHostsFixture.Vni, TwoHostsFixture.MacB);
            Assert.Equal(("static", "198.18.0.99"), (moved.Kind, moved.Dst));
            var lost = f.Rig.Ping(f.A, TwoHostsFixture.AddressB, count: 5);
            Assert.True(lost.Received == 0, $"pings still answered through a stale replica: {lost.Received}/{lost.Transmitted}");
        }
        finally
        {
            f.D1.Ctl.Run("fdb", "del", TwoHostsFixture.MacB, "--network", "blue");
        }
        f.Rig.WaitForPing(f.A, TwoHostsFixture.AddressB, TimeSpan.FromSeconds(15));
    }

    /// <summary>CPU ticks (user + system) of each switch worker thread of <paramref name="d"/>, by thread name.</summary>
    private static Dictionary<string, long> WorkerTicks(OverlayDaemon d)
    {
        var ticks = new Dictionary<string, long>();
        foreach (var task in Directory.GetDirectories($"/proc/{d.Pid}/task"))
        {
            string comm;
            string stat;
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended
            }
            if (!comm.StartsWith("overlay-switch", StringComparison.Ordinal)) continue;
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            ticks[comm] = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14, 15)
        }
        return ticks;
    }
}
