using System.Globalization;
using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests;

/// <summary>What overlayd puts on the underlay, decoded by tshark: VXLAN framing, checksums, and the outer UDP source
/// port as the per-flow entropy ECMP relies on (RFC 7348 section 5).</summary>
[Collection(NetnsCollection.Name)]
public sealed class WireFormatTests(TwoHostsFixture f) : IClassFixture<TwoHostsFixture>
{
    private const string Good = "1"; // Wireshark's PROTO_CHECKSUM_E_GOOD
    private static readonly string[] Checks = ["ip.check_checksum:TRUE", "udp.check_checksum:TRUE", "tcp.check_checksum:TRUE"];
    private static readonly string[] Fields =
    [
        "frame.number", "ip.src", "ip.dst", "udp.srcport", "udp.dstport", "vxlan.vni",
        "ip.checksum.status", "udp.checksum.status", "tcp.checksum.status", "icmp.checksum.status",
        "tcp.srcport", "tcp.dstport", "frame.len", "frame.cap_len",
    ];

    [Fact]
    public void EveryPacket_IsValidVxlan_AndTcpFlowsSpreadOverSourcePorts()
    {
        var rig = f.Rig;
        // Each host's capture holds what it receives off the wire: finished by the switch, as a NIC would.
        var hosts = new[] { f.H1, f.H2 };
        foreach (var h in hosts) rig.FinishPacketsAtSwitchPort(h);
        var captures = hosts.Select(h => PacketCapture.Start(rig, h.Namespace, h.UnderlayIf, $"to-{h.Name}", "udp", "and", "dst", "host", h.Vtep)).ToList();
        // Rate-capped so tcpdump keeps up and every packet is there to be checked.
        var tcp = Iperf3.Run(rig, f.B, TwoHostsFixture.AddressB, f.A, seconds: 2, streams: 4, bitrate: "10M");
        var ping = rig.Ping(f.A, TwoHostsFixture.AddressB);
        var files = captures.Select(c => c.Stop()).ToList();

        Assert.True(tcp.ReceivedBytes > 0, $"iperf3 moved nothing: {tcp}");
        Assert.True(ping.AllAnswered, ping.Output);
        Assert.All(captures, c => Assert.Equal(0, c.DroppedByKernel));
        var rows = files.SelectMany(file => Tshark.Fields(file, "udp", Fields, Checks)).ToList();
        Assert.True(rows.Count > 500, $"only {rows.Count} UDP packets captured during a 4-stream iperf3 run");

        var problems = new List<string>();
        var portsByFlow = new Dictionary<string, HashSet<int>>();
        int icmp = 0;
        foreach (var r in rows)
        {
            string frame = $"{Tshark.Outer(r[1])} > {Tshark.Outer(r[2])} frame {r[0]}";
            int srcPort = int.Parse(r[3], CultureInfo.InvariantCulture);
            if (r[5] != "42") problems.Add($"{frame}: VNI '{r[5]}', expected 42 (not decoded as VXLAN when empty)");
            if (r[4] != "4789") problems.Add($"{frame}: UDP destination port {r[4]}, expected 4789");
            if (srcPort is < 49152 or > 65535) problems.Add($"{frame}: UDP source port {srcPort} outside 49152..65535");
            foreach (var (name, cell) in new[] { ("ip", r[6]), ("udp", r[7]), ("tcp", r[8]), ("icmp", r[9]) })
            {
                if (cell.Length > 0 && cell.Split(',').Any(v => v != Good)) problems.Add($"{frame}: {name} checksum status {cell}, expected all good");
            }
            if (int.Parse(r[12], CultureInfo.InvariantCulture) > NetnsRig.UnderlayMtu + 14 || r[12] != r[13])
                problems.Add($"{frame}: {r[12]} bytes on the wire, more than an underlay MTU of {NetnsRig.UnderlayMtu} allows");
            if (r[9].Length > 0) icmp++;
            if (r[10].Length > 0)
            {
                // One direction of one inner TCP connection, seen from its sending VTEP.
                string flow = $"{Tshark.Outer(r[1])} {Tshark.Inner(r[1])}:{r[10]} > {Tshark.Inner(r[2])}:{r[11]}";
                if (!portsByFlow.TryGetValue(flow, out var ports)) portsByFlow[flow] = ports = [];
                ports.Add(srcPort);
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} problems in {rows.Count} packets:\n  " + string.Join("\n  ", problems.Take(30)));
        Assert.True(icmp >= 6, $"expected the 3 pings and their replies inside VXLAN, found {icmp} ICMP packets");
        const string bad = "_ws.malformed || _ws.expert.severity == error";
        Assert.All(files, file =>
        {
            var flagged = Tshark.Fields(file, bad, ["frame.number", "frame.protocols", "_ws.expert.message"], Checks);
            Assert.True(flagged.Count == 0, $"{flagged.Count} packets tshark flags as malformed or in error in {file}:\n  "
                + string.Join("\n  ", flagged.Take(10).Select(r => string.Join(" | ", r))));
        });

        string flows = string.Join("\n  ", portsByFlow.Select(kv => $"{kv.Key} -> {string.Join(',', kv.Value)}"));
        // iperf3 -P 4: four data connections and the control connection, each seen both ways.
        Assert.True(portsByFlow.Count >= 10, $"expected at least 5 TCP connections both ways, found:\n  {flows}");
        Assert.True(portsByFlow.Values.All(p => p.Count == 1), $"a flow's packets left on more than one outer source port (reordering risk):\n  {flows}");
        var dataPorts = portsByFlow.Where(kv => kv.Key.EndsWith($":{Iperf3.Port}", StringComparison.Ordinal)).Select(kv => kv.Value.Single()).Distinct().ToList();
        Assert.True(dataPorts.Count >= 2, $"all client-to-server flows share one outer source port (no ECMP entropy):\n  {flows}");
    }
}
