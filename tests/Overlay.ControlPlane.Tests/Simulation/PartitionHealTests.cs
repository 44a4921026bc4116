using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Projection;
using Overlay.Gossip;
using Overlay.Gossip.Simulator;
using Overlay.Gossip.Simulator.Scenarios;
using Xunit.Abstractions;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>The real endpoint table on 128 simulated members split in two halves for two minutes, both halves
/// writing (and writing the same keys), then healed.</summary>
public sealed class PartitionHealTests(ITestOutputHelper output)
{
    [Fact]
    public void After_the_heal_every_member_holds_the_same_table_with_every_conflict_resolved_the_same_way()
    {
        // Bound, LAN preset, N = 128. Membership: side B re-joins the seed (on A) every RejoinInterval (30 s); the
        // first re-join after the heal merges the views, members the other side holds dead refute at the next
        // (another 30 s), each step spreads within 2 * (log4(128) + ln(128)/3) * 0.2 s = 2.1 s: 3 * 30 s = 90 s (as
        // for the stand-in). Tables: at the heal each write is held by one half. Re-joins are joins, whose news
        // is not passed on; but once the views are one, every member starts a periodic exchange with a random
        // member within PushPullScale(30 s, 128) = 90 s, half of them across the old cut, and news found outside
        // a join is passed on by gossip, reaching everyone within one dissemination (2.1 s). Bound: 90 s + 90 s +
        // 2.1 s = 182.1 s after the heal. (Anti-entropy alone, with nothing passed on, would still get there: the
        // fraction of members lacking a write goes f -> f^2 per period from 1/2, below 1/N after 3 periods.)
        EndpointPartitionResult result = EndpointPartitionScenario.Run(new EndpointPartitionOptions { Nodes = 128, Seed = 5 }, new TestOutputWriter(output));
        TimeSpan bound = GossipOptions.Lan.RejoinInterval * 3 + GossipOptions.Lan.PushPullInterval * 3 + GossipBounds.Dissemination(128, GossipOptions.Lan);
        PerfResults.Write("endpoint_table_partition_128", ScenarioReport.ToJson(result));
        SimulatedNetwork net = result.Network;

        Assert.NotNull(result.Split);
        Assert.NotNull(result.MembershipHealed);
        Assert.NotNull(result.TablesHealed);
        Assert.True(result.TablesHealed <= bound, $"tables identical after {result.TablesHealed}, bound {bound}");
        EndpointTable reference = net.Hosts[0].Endpoints!.Table;
        foreach (SimHost host in net.Hosts)
        {
            List<string> differences = TableComparison.Differences(reference, host.Endpoints!.Table);
            Assert.True(differences.Count == 0, string.Join("\n", differences));
        }

        // Every key holds its last write by the one order every node uses (version, then owner), whichever side
        // wrote it, tombstones included; nothing else is in the table.
        Dictionary<EndpointKey, EndpointRecord> winners = result.Writes
            .GroupBy(w => w.Key)
            .ToDictionary(g => g.Key, g => g.Aggregate((a, b) => RecordOrder.CompareWrites(a, b) >= 0 ? a : b));
        Assert.Equal(winners.Count, reference.Count);
        foreach (EndpointRecord held in reference.Records)
        {
            Assert.True(held.SameWrite(winners[held.Key]), $"{held.Key}: holds {held}, last write {winners[held.Key]}");
        }
        foreach (string contested in new[] { "move-me", "fresh", "delete-vs-move" })
        {
            Assert.True(result.Writes.Count(w => w.EndpointId == contested) >= 2);
            output.WriteLine($"{contested}: {winners[new EndpointKey(EndpointPartitionScenario.Vni, contested)]}");
        }
        Assert.True(reference.Records.Count(r => r.Deleted) >= 2, "each side withdrew an endpoint: their tombstones must be kept");
        // Tombstones travel with their age, read when the broadcast is queued: a relay dates one later by the time
        // the copy it heard waited in a queue, never earlier (so nobody collects one early). The first copy to
        // reach a member took at most an epidemic on the writer's side before the heal and one on the other
        // after it (push/pull copies are exact): every member dates it within 2 * 2.1 s of the write.
        TimeSpan drift = GossipBounds.Dissemination(128, GossipOptions.Lan) * 2;
        foreach (EndpointRecord tombstone in reference.Records.Where(r => r.Deleted))
        {
            DateTimeOffset written = result.Writes.Single(w => w.SameWrite(tombstone)).DeletedAt;
            DateTimeOffset[] dated = [.. net.Hosts.Select(h => TryGet(h, tombstone.Key).DeletedAt)];
            output.WriteLine($"{tombstone.Key}: dated {(dated.Min() - written).TotalSeconds:F3}..{(dated.Max() - written).TotalSeconds:F3} s after the write");
            Assert.True(dated.Min() >= written && dated.Max() - written <= drift,
                $"{tombstone.Key} written at {written:O}, dated {dated.Min():O}..{dated.Max():O}");
        }

        // And every dataplane holds what its table asks for: each live endpoint at its owner's VTEP (owners are all
        // alive again), nothing for the losers of a conflict or for withdrawn endpoints.
        foreach (SimHost host in net.Hosts)
        {
            EndpointGossip gossip = host.Endpoints!.Gossip;
            Assert.True(gossip.Applied.SameAs(gossip.Table.Desired), $"{host.Name}'s dataplane differs from its table");
            foreach (EndpointRecord w in winners.Values.Where(w => w.Owner != host.Name))
            {
                var key = new RemoteKey(w.Vni, w.Mac);
                if (w.Deleted)
                {
                    Assert.False(gossip.Applied.Remotes.ContainsKey(key), $"{host.Name} still forwards withdrawn {w.Key}");
                }
                else
                {
                    Assert.True(gossip.Applied.Remotes.TryGetValue(key, out var vtep) && vtep == w.Vtep, $"{host.Name} lacks {w}");
                }
            }
            Assert.False(gossip.Applied.Remotes.ContainsKey(new RemoteKey(EndpointPartitionScenario.Vni, LoserMac(winners))),
                $"{host.Name} forwards the losing MAC of 'fresh'");
        }
    }

    private static EndpointRecord TryGet(SimHost host, EndpointKey key) =>
        host.Endpoints!.Table.TryGet(key.Vni, key.EndpointId, out EndpointRecord r) ? r : throw new KeyNotFoundException($"{host.Name}: {key}");

    /// <summary>'fresh' was published with MAC 3000 on side A and 3001 on side B: the MAC of the write that lost.</summary>
    private static Overlay.Packets.MacAddress LoserMac(Dictionary<EndpointKey, EndpointRecord> winners) =>
        winners[new EndpointKey(EndpointPartitionScenario.Vni, "fresh")].Mac == EndpointPartitionScenario.Mac(3000)
            ? EndpointPartitionScenario.Mac(3001)
            : EndpointPartitionScenario.Mac(3000);
}
