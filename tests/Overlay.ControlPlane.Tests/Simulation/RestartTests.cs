using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Projection;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>
/// A node restarts with an empty table and a clock at zero. It learns its earlier writes back from push/pull and
/// refutes them (memberlist-style): what it still publishes is written again above them, what it no longer has is
/// tombstoned above them. Its new boot id, announced with its alive message, keeps the earlier life's records out
/// of every dataplane from the moment the new life is known.
/// </summary>
public sealed class RestartTests
{
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.3)]
    [InlineData(3, 0.5)]
    public void A_restarted_node_republishes_above_its_old_versions_and_its_dropped_endpoints_never_come_back(int seed, double loss)
    {
        var cluster = new VirtualCluster(seed, loss);
        foreach (string n in new[] { "a", "b", "c", "d", "e" })
        {
            cluster.Start(n, boot: BootOf(n));
        }
        EndpointGossip a = cluster.Nodes["a"].Gossip;
        a.Publish(42, "net", "kept", Mac(1), [Ip(1)], Vtep("a"));
        a.Publish(42, "net", "dropped", Mac(2), [Ip(2)], Vtep("a"));
        for (int i = 0; i < 20; i++)
        {
            a.Publish(42, "net", "kept", Mac(1), [Ip(1), Ip(100 + i)], Vtep("a")); // push a's clock well up
        }
        a.Publish(42, "net", "kept", Mac(1), [Ip(1)], Vtep("a"));
        cluster.Settle();
        ulong oldKept = cluster.Nodes["b"].Gossip.Table.Records.Single(r => r.EndpointId == "kept").Version;

        cluster.Kill("a");
        cluster.AssertDataplanesConsistent();
        EndpointGossip reborn = cluster.Start("a", boot: 0xB007);
        // The daemon republishes what the new process has: "kept" only. Its clock knows the cluster's after the
        // join push/pull, so this write is above the old one already.
        reborn.Publish(42, "net", "kept", Mac(1), [Ip(1)], Vtep("a"));
        foreach (string n in new[] { "b", "c", "d", "e" })
        {
            Assert.DoesNotContain(new RemoteKey(42, Mac(2)), cluster.Nodes[n].Sink.Remotes.Keys);
        }
        cluster.Settle(rounds: 8);

        foreach (string n in cluster.Alive)
        {
            EndpointTable t = cluster.Nodes[n].Gossip.Table;
            Assert.True(t.TryGet(42, "kept", out EndpointRecord kept));
            Assert.True(kept.Version > oldKept && kept.OwnerBoot == 0xB007 && !kept.Deleted, $"{n}: {kept}");
            Assert.True(t.TryGet(42, "dropped", out EndpointRecord dropped));
            Assert.True(dropped.Deleted && dropped.OwnerBoot == 0xB007, $"{n}: {dropped}");
            if (n != "a")
            {
                Assert.Equal(Vtep("a"), cluster.Nodes[n].Sink.Remotes[new(42, Mac(1))]);
                Assert.DoesNotContain(new RemoteKey(42, Mac(2)), cluster.Nodes[n].Sink.Remotes.Keys);
            }
        }
        cluster.AssertDataplanesConsistent();
    }

    [Fact]
    public void A_restarted_node_that_publishes_before_it_has_heard_anything_still_ends_above_its_old_versions_when_no_time_passed()
    {
        var cluster = new VirtualCluster(seed: 11);
        foreach (string n in new[] { "a", "b", "c" })
        {
            cluster.Start(n, boot: BootOf(n));
        }
        for (int i = 0; i < 10; i++)
        {
            cluster.Nodes["a"].Gossip.Publish(42, "net", "e1", Mac(1), [Ip(1 + (i % 2))], Vtep("a"));
        }
        cluster.Settle();
        ulong old = cluster.Nodes["b"].Gossip.Table.Records.Single().Version;

        // A table created and published into before the node joins, at the same instant as the old writes (as if
        // the clocks were skewed by more than the restart took): its hybrid clock is below the old write.
        cluster.Kill("a");
        var early = new EndpointTable("a", 0xB007, Options(), cluster.Time);
        ulong first = early.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"))!.Version;
        Assert.True(first < old);
        EndpointRecord oldRecord = cluster.Nodes["b"].Gossip.Table.Records.Single();
        MergeResult refuted = early.Merge(oldRecord);
        Assert.Equal(MergeOutcome.Refuted, refuted.Outcome);
        Assert.Equal(old + 1, refuted.Broadcast!.Version);
        Assert.False(refuted.Broadcast.Deleted);
        Assert.Equal(new[] { Ip(1) }, refuted.Broadcast.Addresses.ToArray());
    }

    /// <summary>The interop rig's case: the restarted owner joins through a member that keeps no endpoint table, so
    /// it learns nothing of its earlier life before it publishes, and no push/pull follows. Its first write must
    /// still win everywhere by broadcast alone (one dissemination: seconds), not wait for a push/pull in which it
    /// would refute its earlier life.</summary>
    [Theory]
    [InlineData(21, 0.0)]
    [InlineData(22, 0.1)]
    [InlineData(23, 0.2)]
    public void A_restarted_owner_that_learns_nothing_at_join_is_installed_everywhere_by_its_broadcast_alone(int seed, double loss)
    {
        var cluster = new VirtualCluster(seed, loss);
        string[] names = [.. Enumerable.Range(0, 20).Select(i => $"n{i}")];
        foreach (string n in names)
        {
            cluster.Start(n, boot: BootOf(n));
        }
        EndpointGossip a = cluster.Nodes["n0"].Gossip;
        a.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("n0"));
        cluster.Settle();
        ulong old = cluster.Nodes["n1"].Gossip.Table.Records.Single().Version;

        cluster.Kill("n0");
        cluster.Time.Advance(TimeSpan.FromSeconds(1)); // kill -9, start again
        EndpointGossip reborn = cluster.Start("n0", boot: 0xB007, joinExchange: false);
        EndpointRecord first = reborn.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("n0"))!;
        Assert.True(first.Version > old);
        cluster.DeliverAll();

        foreach (string n in names[1..])
        {
            Assert.True(cluster.Nodes[n].Gossip.Table.TryGet(42, "e1", out EndpointRecord held));
            Assert.Equal(0xB007UL, held.OwnerBoot);
            Assert.Equal(Vtep("n0"), cluster.Nodes[n].Sink.Remotes[new(42, Mac(1))]);
        }
        cluster.AssertDataplanesConsistent();
    }
}
