using Overlay.ControlPlane.Projection;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Simulation;

public sealed class ClusterTests
{
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.2)]
    [InlineData(3, 0.4)]
    public void Publishes_moves_deaths_and_withdrawals_converge_on_every_node(int seed, double loss)
    {
        var cluster = new VirtualCluster(seed, loss);
        string[] names = ["a", "b", "c", "d", "e", "f"];
        foreach (string n in names)
        {
            cluster.Start(n, BootOf(n));
        }
        for (int i = 0; i < names.Length; i++)
        {
            cluster.Nodes[names[i]].Gossip.Publish(42, "net", $"e{i}", Mac(i), [Ip(i)], Vtep(names[i]));
            cluster.Nodes[names[i]].Gossip.Publish(43, "other", $"x{i}", Mac(i), [Ip(i)], Vtep(names[i]));
        }
        cluster.Settle();
        AssertAllSee(cluster, new RemoteKey(42, Mac(0)), Vtep("a"));
        cluster.AssertDataplanesConsistent();

        // e0 moves from a to b (b republishes the same endpoint id; a hears and yields), and e1 is recreated on
        // c under a new id while b's old record for it lingers until b withdraws it.
        cluster.Nodes["b"].Gossip.Publish(42, "net", "e0", Mac(0), [Ip(0)], Vtep("b"));
        cluster.Nodes["c"].Gossip.Publish(42, "net", "e1-again", Mac(1), [Ip(1)], Vtep("c"));
        cluster.DeliverAll();
        cluster.Nodes["b"].Gossip.Withdraw(42, "e1");
        cluster.Settle();
        AssertAllSee(cluster, new RemoteKey(42, Mac(0)), Vtep("b"));
        AssertAllSee(cluster, new RemoteKey(42, Mac(1)), Vtep("c"));
        Assert.DoesNotContain(cluster.Nodes["a"].Gossip.Table.LocalEndpoints(), r => r.Vni == 42);

        // d dies: nobody keeps an entry pointing at it.
        cluster.Kill("d");
        cluster.Settle();
        cluster.AssertDataplanesConsistent();
        foreach (string n in cluster.Alive)
        {
            Assert.DoesNotContain(Vtep("d"), cluster.Nodes[n].Sink.Remotes.Values);
            Assert.True(cluster.Nodes[n].Gossip.Table.TryGet(42, "e3", out _)); // suspended, not dropped
        }

        cluster.Nodes["e"].Gossip.Withdraw(42, "e4");
        cluster.Settle();
        foreach (string n in cluster.Alive)
        {
            Assert.DoesNotContain(new RemoteKey(42, Mac(4)), cluster.Nodes[n].Sink.Remotes.Keys);
        }
        cluster.AssertDataplanesConsistent();
    }

    [Fact]
    public void A_broadcast_carries_one_endpoint_under_its_endpoint_key()
    {
        var time = Time();
        var sent = new List<(string Key, byte[] Payload)>();
        var gossip = new EndpointGossip(Table("a", time), new RecordingSink(), (k, p) => sent.Add((k, p)), time);
        gossip.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        gossip.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        gossip.Withdraw(42, "e1");
        Assert.Equal(["ep/42/e1", "ep/42/e1"], sent.Select(s => s.Key).ToArray());
        Assert.All(sent, s => Assert.True(s.Payload.Length < 100));
    }

    [Fact]
    public void Garbage_from_the_network_is_counted_and_changes_nothing()
    {
        var time = Time();
        var gossip = new EndpointGossip(Table("a", time), new RecordingSink(), (_, _) => { }, time);
        gossip.NotifyUserMessage([]);
        gossip.NotifyUserMessage([1, 1, 0, 0]);
        gossip.NotifyUserMessage([7, 1]);
        gossip.MergeRemoteState([1, 2, 0xff, 0xff, 0xff, 0xff], join: false);
        gossip.MergeRemoteState([1, 1], join: true);
        Assert.Equal(5, gossip.Counters.DecodeFailures);
        Assert.Equal(1, gossip.Counters.DecodeFailuresOf(Overlay.ControlPlane.Wire.DecodeStatus.Empty));
        Assert.Equal(1, gossip.Counters.DecodeFailuresOf(Overlay.ControlPlane.Wire.DecodeStatus.UnsupportedFormat));
        Assert.Equal(1, gossip.Counters.DecodeFailuresOf(Overlay.ControlPlane.Wire.DecodeStatus.TooManyRecords));
        Assert.Equal(1, gossip.Counters.DecodeFailuresOf(Overlay.ControlPlane.Wire.DecodeStatus.UnknownKind));
        Assert.Empty(gossip.Table.Records);
    }

    private static void AssertAllSee(VirtualCluster cluster, RemoteKey key, Overlay.Packets.IpAddr vtep)
    {
        foreach (string n in cluster.Alive)
        {
            if (Vtep(n) == vtep)
            {
                Assert.DoesNotContain(key, cluster.Nodes[n].Sink.Remotes.Keys); // a local port there
            }
            else
            {
                Assert.Equal(vtep, cluster.Nodes[n].Sink.Remotes[key]);
            }
        }
    }
}
