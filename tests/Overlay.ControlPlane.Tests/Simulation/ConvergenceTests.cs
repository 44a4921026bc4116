using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Projection;
using Overlay.ControlPlane.Wire;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Simulation;

public sealed class ConvergenceTests
{
    private static readonly string[] Owners = ["a", "b", "c", "d"];

    /// <summary>N nodes receive the same news in different random orders, with duplicates and with owners
    /// flapping dead and alive along the way: all end with the same table, the same desired state, equal to the
    /// slow model's, and a dataplane holding exactly that.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Any_delivery_order_converges_to_the_same_table_and_dataplane(int seed)
    {
        var time = Time();
        List<EndpointRecord> log = History.Generate(seed, Owners, writes: 60, time);
        var random = new Random(seed * 7919);
        var nodes = new List<(EndpointGossip Gossip, RecordingSink Sink)>();
        for (int n = 0; n < 6; n++)
        {
            var sink = new RecordingSink();
            var gossip = new EndpointGossip(Table($"observer{n}", time), sink, (_, _) => { }, time);
            foreach (string o in Owners)
            {
                gossip.NotifyJoin(Member(o, meta: NodeMetaCodec.Encode(BootOf(o))));
            }
            var deliveries = log.Concat(log.Where(_ => random.Next(3) == 0)).ToList();
            Permutations.Shuffle(deliveries, random);
            foreach (EndpointRecord record in deliveries)
            {
                gossip.NotifyUserMessage(EndpointCodec.EncodeRecord(record, time.GetUtcNow()));
                if (random.Next(10) == 0)
                {
                    string owner = Owners[random.Next(Owners.Length)];
                    gossip.NotifyLeave(Member(owner, Overlay.Gossip.Messages.NodeStateKind.Dead));
                    Assert.DoesNotContain(sink.Remotes.Values, v => v == Vtep(owner));
                    gossip.NotifyJoin(Member(owner, meta: NodeMetaCodec.Encode(BootOf(owner))));
                }
            }
            nodes.Add((gossip, sink));
        }

        EndpointTable first = nodes[0].Gossip.Table;
        foreach (var (gossip, sink) in nodes)
        {
            EndpointTable table = gossip.Table;
            Assert.Equal(first.Count, table.Count);
            foreach (EndpointRecord r in first.Records)
            {
                Assert.True(table.TryGet(r.Vni, r.EndpointId, out EndpointRecord mine));
                Assert.True(r.SameWrite(mine), $"{r} vs {mine}");
            }
            Assert.True(table.Desired.SameAs(first.Desired));
            Assert.True(table.Desired.SameAs(ProjectionModel.Compute(table.Records, table.IsEligible, table.NodeName)));
            Assert.True(sink.Matches(table.Desired));
        }
        Assert.Equal(log.Select(r => r.Key).Distinct().Count(), first.Count); // one record per key, tombstones kept
    }

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (int seed = 1; seed <= 40; seed++)
        {
            data.Add(seed);
        }
        return data;
    }

    /// <summary>The owners themselves, once everyone has heard everything, agree with the observers.</summary>
    [Fact]
    public void Owners_and_observers_agree_once_everything_is_delivered()
    {
        var time = Time();
        List<EndpointRecord> log = History.Generate(99, Owners, writes: 80, time, out Dictionary<string, EndpointTable> owners);
        var tables = owners.Values.Append(Table("observer", time)).ToList();
        var random = new Random(99);
        foreach (EndpointTable t in tables)
        {
            var order = log.ToList();
            Permutations.Shuffle(order, random);
            foreach (EndpointRecord r in order)
            {
                MergeResult result = t.Merge(r);
                Assert.NotEqual(MergeOutcome.Refuted, result.Outcome);
            }
        }
        foreach (EndpointTable t in tables)
        {
            Assert.Equal(tables[^1].Count, t.Count);
            Assert.All(tables[^1].Records, r => Assert.True(t.TryGet(r.Vni, r.EndpointId, out EndpointRecord x) && x.SameWrite(r)));
        }
    }

    /// <summary>The incremental projection equals the model after every single step of a long random run that
    /// mixes merges, publishes, withdrawals, liveness changes, restarts of owners and collection.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Incremental_projection_matches_the_model_at_every_step(int seed)
    {
        var time = Time();
        var random = new Random(seed);
        var table = Table("a", time);
        List<EndpointRecord> log = History.Generate(seed, ["a", "b", "c"], writes: 120, time);
        var boots = new Dictionary<string, ulong> { ["b"] = BootOf("b"), ["c"] = BootOf("c") };
        foreach (EndpointRecord r in log)
        {
            switch (random.Next(12))
            {
                case 0:
                    table.SetOwnerGone(random.Next(2) == 0 ? "b" : "c");
                    break;
                case 1:
                    string owner = random.Next(2) == 0 ? "b" : "c";
                    table.SetOwnerAlive(owner, random.Next(4) == 0 ? 12345 : boots[owner]);
                    break;
                case 2:
                    table.Publish(42, "net", $"local{random.Next(4)}", Mac(random.Next(6)), [Ip(random.Next(10))], Vtep("a"));
                    break;
                case 3:
                    table.Withdraw(42, $"local{random.Next(4)}");
                    break;
                case 4:
                    time.Advance(TimeSpan.FromMinutes(random.Next(8)));
                    table.Collect();
                    break;
            }
            table.Merge(r);
            DataplaneState model = ProjectionModel.Compute(table.Records, table.IsEligible, "a");
            Assert.True(table.Desired.SameAs(model), $"after {r}");
        }
    }
}
