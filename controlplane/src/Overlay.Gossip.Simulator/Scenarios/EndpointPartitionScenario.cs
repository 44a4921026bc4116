using System.Diagnostics;
using Overlay.ControlPlane.Endpoints;
using Overlay.Packets;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>
/// A converged cluster running the real endpoint table splits into two halves (the only seed, host 0, on side A).
/// While apart, each side publishes, moves and withdraws endpoints, and both write the same keys: an endpoint
/// moved to a different host on each side (<c>move-me</c>), a new endpoint published on both sides with different
/// MACs (<c>fresh</c>), and an endpoint withdrawn by its owner on one side and republished elsewhere on the other
/// (<c>delete-vs-move</c>). Then the network heals: every member must end with one membership view and the same
/// table, every conflict resolved by the same write everywhere.
/// </summary>
public static class EndpointPartitionScenario
{
    public const uint Vni = 4242;

    public static EndpointPartitionResult Run(EndpointPartitionOptions o, TextWriter? log = null)
    {
        var wall = Stopwatch.StartNew();
        int n = o.Nodes, half = n / 2;
        var net = new SimulatedNetwork(o.Seed, LinkModel.Lan);
        net.UseEndpointTables(o.Table);
        for (int i = 0; i < n; i++)
        {
            net.AddHost(o.Gossip);
        }
        if (ClusterStats.JoinAll(net, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5)) is null)
        {
            throw new InvalidOperationException("the cluster did not converge before the partition");
        }
        var writes = new List<EndpointRecord>();
        SimHost A(int i) => net.Hosts[i];
        SimHost B(int i) => net.Hosts[half + i];

        // Before: every eighth host publishes one endpoint, plus the two that will be fought over.
        for (int i = 0; i < n; i += 8)
        {
            Publish(net, writes, net.Hosts[i], $"ep-{i}", i);
        }
        Publish(net, writes, A(3), "move-me", 1000);
        Publish(net, writes, B(3), "delete-vs-move", 1001);
        net.RunFor(TimeSpan.FromSeconds(20));

        // Split: hosts [0, half) on side A (with the seed), [half, n) on side B.
        net.CountFalsePositives = false;
        TimeSpan splitAt = net.Now;
        net.Partition(h => h.Index < half ? 0 : 1);
        net.RunFor(TimeSpan.FromSeconds(1));
        foreach (int offset in new[] { 0, half })
        {
            string side = offset == 0 ? "a" : "b";
            Publish(net, writes, net.Hosts[offset + 1], $"{side}-new", 2000 + offset);         // a new endpoint
            Withdraw(net, writes, net.Hosts[offset + 8], $"ep-{offset + 8}");                  // a withdrawal
            Publish(net, writes, net.Hosts[offset + 17], $"ep-{offset + 16}", offset + 16);    // a move within the side
        }
        Publish(net, writes, A(5), "move-me", 1000);             // moved to a host on A...
        Publish(net, writes, B(5), "move-me", 1000);             // ...and to one on B
        Publish(net, writes, A(6), "fresh", 3000);               // the same new endpoint on both sides,
        Publish(net, writes, B(6), "fresh", 3001);               // with different MACs
        Withdraw(net, writes, B(3), "delete-vs-move");           // withdrawn by its owner on B,
        Publish(net, writes, A(7), "delete-vs-move", 1001);      // republished on A

        TimeSpan? split = net.RunUntil(
            () => net.Hosts.All(h => h.Node!.AliveMemberCount == (h.Index < half ? half : n - half)),
            splitAt + o.PartitionDuration, TimeSpan.FromMilliseconds(100)) - splitAt;
        // Once each side has the other dead: more news the other side cannot hear, from owners it thinks dead.
        Publish(net, writes, A(2), "a-late", 4000);
        Publish(net, writes, B(2), "b-late", 4001);
        Publish(net, writes, A(5), "move-me", 1000, extraIp: 1);
        net.RunUntil(splitAt + o.PartitionDuration);
        log?.WriteLine($"partition: both sides see only themselves after {Sec(split)}; {writes.Count} writes");

        TimeSpan healAt = net.Now;
        net.Heal();
        TimeSpan? membership = null;
        TimeSpan? tables = net.RunUntil(() =>
        {
            bool views = net.Hosts.All(h => h.Node!.AliveMemberCount == n && h.Node.SuspectMemberCount == 0);
            if (views && membership is null)
            {
                membership = net.Now - healAt;
            }
            return views && TableComparison.AllIdentical(net);
        }, healAt + o.HealLimit, TimeSpan.FromMilliseconds(200)) - healAt;
        log?.WriteLine($"heal: one membership view after {Sec(membership)}, one endpoint table everywhere after {Sec(tables)}; wall {wall.Elapsed.TotalSeconds:F1} s");
        return new EndpointPartitionResult
        {
            Nodes = n,
            Split = split,
            MembershipHealed = membership,
            TablesHealed = tables,
            Writes = writes,
            Network = net,
            WallTime = wall.Elapsed,
        };
    }

    /// <summary>The MAC and the first IP of endpoint number <paramref name="number"/>.</summary>
    public static MacAddress Mac(int number) => new(0x02_42_c6_13_00_00UL + (ulong)number);

    public static IpAddr Ip(int number) => IpAddr.FromV4(0xC613_0000u + (uint)number);

    private static void Publish(SimulatedNetwork net, List<EndpointRecord> writes, SimHost host, string id, int number, int extraIp = 0)
    {
        IpAddr[] ips = extraIp > 0 ? [Ip(number), Ip(10_000 + number)] : [Ip(number)];
        net.Invoke(host, _ => writes.Add(host.Endpoints!.Publish(Vni, id, Mac(number), ips)
            ?? throw new InvalidOperationException($"{host.Name} published nothing new for {id}")));
    }

    private static void Withdraw(SimulatedNetwork net, List<EndpointRecord> writes, SimHost host, string id) =>
        net.Invoke(host, _ => writes.Add(host.Endpoints!.Withdraw(Vni, id)
            ?? throw new InvalidOperationException($"{host.Name} does not publish {id}")));

    private static string Sec(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:F1} s" : "never";
}
