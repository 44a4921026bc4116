using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests;

/// <summary>Head-end replication over static flood lists between three overlayd hosts.</summary>
[Collection(NetnsCollection.Name)]
public sealed class FloodTests(ThreeHostsFixture f) : IClassFixture<ThreeHostsFixture>
{
    /// <summary>An address no endpoint has, so nothing answers and the request is the only frame about it.</summary>
    private const string Target = "198.19.0.123";
    private static readonly string[] Fields = ["ip.src", "ip.dst", "vxlan.vni"];

    [Fact]
    public void OneBroadcast_ReachesEachRemoteHostOnce_AndNeverComesBack()
    {
        var rig = f.Rig;
        var sender = f.Endpoints[0];
        var underlay = f.Hosts.Select(h => PacketCapture.Start(rig, h.Namespace, h.UnderlayIf, $"underlay-{h.Name}", "udp", "port", "4789")).ToList();
        var inside = f.Endpoints.Select(e => PacketCapture.Start(rig, e.Netns, e.Ifname, $"endpoint-{e.Name}", "arp")).ToList();

        rig.SendArpBroadcast(sender.Netns, sender.Ifname, sender.Mac, sender.Address, Target);
        Thread.Sleep(700);
        var underlayFiles = underlay.Select(c => c.Stop()).ToList();
        var insideFiles = inside.Select(c => c.Stop()).ToList();

        string filter = $"vxlan && arp.dst.proto_ipv4 == {Target}";
        string h1 = f.Hosts[0].Vtep;
        var fromH1 = Tshark.Fields(underlayFiles[0], filter, Fields);
        string seenOnH1 = Show(fromH1);
        // The sender's host sends one copy to each flood-list entry, and gets none back (no reflection, no loop).
        Assert.True(fromH1.All(r => Tshark.Outer(r[0]) == h1), $"a copy of the broadcast came back to h1:\n{seenOnH1}");
        Assert.Equal(
            f.Hosts.Skip(1).Select(h => h.Vtep).Order().ToList(),
            fromH1.Select(r => Tshark.Outer(r[1])).Order().ToList());
        for (int i = 1; i < f.Hosts.Count; i++)
        {
            var rows = Tshark.Fields(underlayFiles[i], filter, Fields);
            Assert.True(rows.Count == 1, $"{f.Hosts[i].Name} should receive exactly one VXLAN copy, saw {rows.Count}:\n{Show(rows)}");
            Assert.Equal((h1, f.Hosts[i].Vtep, "42"), (Tshark.Outer(rows[0][0]), Tshark.Outer(rows[0][1]), rows[0][2]));
        }

        // Inside: the sender's own eth0 shows its request once (sent, never echoed); each remote endpoint gets it once.
        for (int i = 0; i < f.Endpoints.Count; i++)
        {
            int n = Tshark.Count(insideFiles[i], $"arp.dst.proto_ipv4 == {Target}");
            Assert.True(n == 1, $"endpoint {f.Endpoints[i].Name} saw the broadcast {n} times, expected once\n{rig.Describe()}");
        }
    }

    private static string Show(IEnumerable<string[]> rows) => string.Join('\n', rows.Select(r => string.Join(' ', r)));
}
