using System.Text.Json;
using Overlay.Integration.Tests.Fixtures;

namespace Overlay.Integration.Tests;

/// <summary>Hostile and malformed datagrams at the VXLAN port of a running daemon: each is dropped and counted by
/// reason, the daemon keeps running and keeps forwarding.</summary>
[Collection(NetnsCollection.Name)]
public sealed class HostileTrafficTests(TwoHostsFixture f) : IClassFixture<TwoHostsFixture>
{
    // Sent from h2's namespace to h1's VTEP port with a plain UDP socket: the payload is what the daemon parses.
    private const string Sender = """
import os, random, socket, struct, sys
dst = (sys.argv[1], 4789)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rnd = random.Random(7)
inner = bytes.fromhex('020000000001' '0200000000ee' '88b5') + bytes(46)
def vx(flags, word, frame=inner): return struct.pack('!II', flags, word) + frame
sent = {}
def send(kind, payload, n=1):
    for _ in range(n): s.sendto(payload, dst)
    sent[kind] = sent.get(kind, 0) + n
for _ in range(200): send('random', bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 1400))))
send('truncated', b'\x08\x00\x00', 20)                       # shorter than a VXLAN header
send('truncated', vx(0x08000000, 42 << 8, b'\x02' * 10), 20)   # VXLAN header, inner frame cut short
send('no_i_flag', vx(0x00000000, 42 << 8), 20)
send('reserved', vx(0x08800000, 42 << 8), 20)
send('reserved', vx(0x08000000, (42 << 8) | 1), 20)
send('unknown_vni', vx(0x08000000, 4242 << 8), 20)
send('bad_source', vx(0x08000000, 42 << 8, bytes.fromhex('020000000001' 'ffffffffffff' '88b5') + bytes(46)), 20)
print(sent)
""";

    private sealed record Counters(string Name, long RxPackets, Dictionary<string, long> Drops);
    private sealed record Stats(List<Counters> Ports, List<Counters> Networks, Counters Underlay);

    private Stats ReadStats()
    {
        var result = f.D1.Ctl.Run("stats", "-o", "json");
        return JsonSerializer.Deserialize<Stats>(result.Stdout, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("stats printed no JSON: " + result);
    }

    private static long Drop(Counters c, string reason) => c.Drops.TryGetValue(reason, out long n) ? n : 0;

    [Fact]
    public void MalformedDatagrams_AreCountedByReason_AndForwardingGoesOn()
    {
        var before = ReadStats();
        string script = Path.Combine(f.Rig.WorkDir, "hostile.py");
        File.WriteAllText(script, Sender);
        f.Rig.Exec(f.H2.Namespace, TimeSpan.FromSeconds(30), "python3", script, f.H1.Vtep);

        // Counting happens on the worker thread; give it a moment to drain the socket.
        Stats after = before;
        for (int i = 0; i < 50; i++)
        {
            after = ReadStats();
            if (after.Underlay.RxPackets - before.Underlay.RxPackets >= 340) break;
            Thread.Sleep(100);
        }
        Assert.False(f.D1.HasExited, "overlayd died on hostile input:\n" + f.D1.Log);
        Assert.True(after.Underlay.RxPackets - before.Underlay.RxPackets >= 340, $"the daemon saw {after.Underlay.RxPackets - before.Underlay.RxPackets} of 340 datagrams");

        long Grew(string reason) => Drop(after.Underlay, reason) - Drop(before.Underlay, reason);
        Assert.True(Grew("truncated") >= 40, $"truncated: {Grew("truncated")}");
        Assert.True(Grew("vxlan_reserved_bits") >= 40, $"reserved: {Grew("vxlan_reserved_bits")}");
        Assert.True(Grew("unknown_vni") >= 20, $"unknown vni: {Grew("unknown_vni")}");
        Assert.True(Grew("vxlan_invalid_flags") >= 20, $"no I flag: {Grew("vxlan_invalid_flags")}");
        var blueBefore = before.Networks.Single(n => n.Name == "blue");
        var blueAfter = after.Networks.Single(n => n.Name == "blue");
        Assert.True(Drop(blueAfter, "invalid_source_mac") - Drop(blueBefore, "invalid_source_mac") >= 20);

        // Still forwarding.
        var ping = f.Rig.Ping(f.A, TwoHostsFixture.AddressB, count: 3);
        Assert.True(ping.Received > 0, "no ping got through after the hostile burst");
    }
}
