using Overlay.Testing;
using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Tests.Simulation;
using Overlay.ControlPlane.Wire;
using Overlay.Gossip.Messages;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Endpoints;

public sealed class TombstoneTests
{
    [Fact]
    public void A_tombstone_is_kept_for_the_retention_then_collected()
    {
        var time = Time();
        var table = Table("a", time);
        table.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        table.Withdraw(42, "e1");
        time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, table.Collect());
        Assert.Single(table.Records);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, table.Collect());
        Assert.Empty(table.Records);
        Assert.Equal(1, table.Counters.TombstonesCollected);
    }

    [Fact]
    public void A_received_tombstone_keeps_its_age_so_every_node_collects_it_at_about_the_same_time()
    {
        var time = Time();
        var owner = Table("a", time);
        owner.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        EndpointRecord tombstone = owner.Withdraw(42, "e1")!;
        time.Advance(TimeSpan.FromMinutes(20));
        byte[] wire = EndpointCodec.EncodeRecord(tombstone, time.GetUtcNow());

        var observer = Table("o", time);
        Assert.Equal(DecodeStatus.Ok, EndpointCodec.TryDecodeRecord(wire, time.GetUtcNow(), out EndpointRecord? heard));
        observer.Merge(heard!);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, observer.Collect());
        Assert.Equal(1, owner.Collect());
    }

    [Fact]
    public void Wall_clock_steps_neither_collect_a_tombstone_early_nor_keep_it_late_nor_age_it_on_the_wire()
    {
        // The owner's wall clock jumps two hours forward just before the withdrawal and three hours back later;
        // its monotonic clock, and the observer's clocks, just run. Tombstone times are on the table's monotonic
        // clock, so the tombstone leaves with its true age and both collect it 30 minutes after the withdrawal.
        var clock = new ManualClock(Epoch);
        var owner = new EndpointGossip(new EndpointTable("a", BootOf("a"), Options(), clock), new RecordingSink(), (_, _) => { }, clock);
        var observerClock = new ManualClock(Epoch);
        var observer = new EndpointGossip(new EndpointTable("o", BootOf("o"), Options(), observerClock), new RecordingSink(), (_, _) => { }, observerClock);
        observer.NotifyJoin(Member("a", meta: owner.NodeMeta(512)));
        owner.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        clock.Advance(TimeSpan.FromMinutes(10));
        observerClock.Advance(TimeSpan.FromMinutes(10));
        clock.StepWall(TimeSpan.FromHours(2));
        owner.Withdraw(42, "e1");
        Assert.Equal(0, owner.Table.Collect());

        clock.Advance(TimeSpan.FromMinutes(5));
        observerClock.Advance(TimeSpan.FromMinutes(5));
        observer.MergeRemoteState(owner.LocalState(join: false)!, join: false);
        Assert.True(observer.Table.TryGet(42, "e1", out EndpointRecord heard) && heard.Deleted);
        Assert.Equal(observer.Table.Now - TimeSpan.FromMinutes(5), heard.DeletedAt);

        clock.StepWall(TimeSpan.FromHours(-3));
        clock.Advance(TimeSpan.FromMinutes(25) - TimeSpan.FromSeconds(1));
        observerClock.Advance(TimeSpan.FromMinutes(25) - TimeSpan.FromSeconds(1));
        Assert.Equal((0, 0), (owner.Table.Collect(), observer.Table.Collect()));
        clock.Advance(TimeSpan.FromSeconds(1));
        observerClock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((1, 1), (owner.Table.Collect(), observer.Table.Collect()));
    }

    [Fact]
    public void A_tombstone_past_its_retention_still_removes_the_older_record_but_is_not_kept_or_passed_on()
    {
        var time = Time();
        var table = Table("o", time);
        table.SetOwnerAlive("a", BootOf("a"));
        table.Merge(Record("a", "e1", 1, version: 3));
        MergeResult result = table.Merge(Record("a", "e1", 1, version: 4, deleted: true, deletedAt: time.GetUtcNow() - TimeSpan.FromHours(1)));
        Assert.Equal(MergeOutcome.Applied, result.Outcome);
        Assert.Null(result.Broadcast);
        Assert.Empty(table.Records);
        Assert.Empty(table.Desired.Remotes);
        Assert.Equal(MergeOutcome.Unchanged, table.Merge(Record("a", "e9", 9, version: 5, deleted: true, deletedAt: time.GetUtcNow() - TimeSpan.FromHours(1))).Outcome);
    }

    /// <summary>
    /// The stale copy that could outlive a tombstone is one held by a node cut off from the withdrawal for longer
    /// than the retention. Cut off that long, it could not hear the owner either: it saw the owner dead, and drops
    /// the owner's records after DeadOwnerRetention, which is shorter than TombstoneRetention. So when the cut
    /// heals, after every tombstone is collected, no node has the stale record left to send.
    /// </summary>
    [Fact]
    public void A_stale_copy_held_across_a_long_partition_cannot_come_back_after_the_tombstone_expires()
    {
        var cluster = new VirtualCluster(seed: 5);
        cluster.Start("a", boot: 1);
        cluster.Start("o", boot: 2);
        cluster.Start("p", boot: 3);
        cluster.Nodes["a"].Gossip.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        cluster.Settle();
        EndpointRecord stale = cluster.Nodes["p"].Gossip.Table.Records.Single();
        EndpointGossip p = cluster.Nodes["p"].Gossip;
        EndpointGossip o = cluster.Nodes["o"].Gossip;
        Assert.Equal(Vtep("a"), p.Applied.Remotes[new(42, Mac(1))]);

        // p is cut off: it sees a and o dead, they see p dead; a withdraws e1 and only o hears it.
        cluster.Cut.Add("p");
        foreach (string n in new[] { "a", "o" })
        {
            p.NotifyLeave(Member(n, NodeStateKind.Dead));
            cluster.Nodes[n].Gossip.NotifyLeave(Member("p", NodeStateKind.Dead));
        }
        Assert.Empty(p.Applied.Remotes);
        cluster.Nodes["a"].Gossip.Withdraw(42, "e1");
        cluster.Settle();
        Assert.True(o.Table.Records.Single().Deleted);
        Assert.False(p.Table.Records.Single().Deleted);

        cluster.Time.Advance(TimeSpan.FromMinutes(20));
        p.Maintain();
        Assert.Empty(p.Table.Records); // a gone for DeadOwnerRetention: its records dropped
        Assert.Equal(MergeOutcome.Rejected, p.Table.Merge(stale).Outcome); // and copies refused

        cluster.Time.Advance(TimeSpan.FromMinutes(11));
        o.Maintain();
        cluster.Nodes["a"].Gossip.Maintain();
        Assert.Empty(o.Table.Records); // tombstone collected
        Assert.Empty(cluster.Nodes["a"].Gossip.Table.Records);

        // The partition heals.
        cluster.Cut.Clear();
        foreach (string n in new[] { "a", "o" })
        {
            p.NotifyJoin(Member(n, meta: cluster.Nodes[n].Gossip.NodeMeta(64)));
            cluster.Nodes[n].Gossip.NotifyJoin(Member("p", meta: p.NodeMeta(64)));
        }
        cluster.Settle();
        foreach (string n in new[] { "a", "o", "p" })
        {
            Assert.Empty(cluster.Nodes[n].Gossip.Table.Records);
            Assert.Empty(cluster.Nodes[n].Sink.Remotes);
        }
    }

    [Fact]
    public void Options_refuse_a_dead_owner_retention_that_is_not_shorter_than_the_tombstone_retention()
    {
        var options = new EndpointTableOptions { TombstoneRetention = TimeSpan.FromMinutes(10), DeadOwnerRetention = TimeSpan.FromMinutes(10) };
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("EndpointTableOptions.DeadOwnerRetention", error.Message);
    }
}
