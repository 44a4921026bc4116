using Overlay.Testing;
using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Tests.Simulation;
using Overlay.Packets;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Endpoints;

public sealed class EndpointTableTests
{
    [Fact]
    public void Publishing_bumps_the_clock_and_republishing_the_same_content_writes_nothing()
    {
        var table = Table("a", Time());
        EndpointRecord? first = table.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        Assert.NotNull(first);
        Assert.Equal(EpochVersion, first.Version);
        Assert.Null(table.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a")));
        EndpointRecord? second = table.Publish(42, "net", "e1", Mac(1), [Ip(1), Ip(2)], Vtep("a"));
        Assert.Equal(EpochVersion + 1, second!.Version);
        Assert.Equal(EpochVersion + 1, table.Clock);
        Assert.Single(table.LocalEndpoints());
    }

    [Fact]
    public void Newer_writes_win_older_and_equal_ones_change_nothing_and_the_clock_passes_every_version_seen()
    {
        var table = Table("a", Time());
        Assert.Equal(MergeOutcome.Applied, table.Merge(Record("b", "e1", 1, version: 5)).Outcome);
        Assert.Equal(MergeOutcome.Unchanged, table.Merge(Record("b", "e1", 1, version: 5)).Outcome);
        Assert.Equal(MergeOutcome.Unchanged, table.Merge(Record("b", "e1", 2, version: 4)).Outcome);
        Assert.Equal(MergeOutcome.Applied, table.Merge(Record("c", "e9", 9, version: 3, deleted: true)).Outcome);
        MergeResult newer = table.Merge(Record("b", "e1", 3, version: 7));
        Assert.Equal(MergeOutcome.Applied, newer.Outcome);
        Assert.Same(newer.Broadcast, table.Records.Single(r => r.EndpointId == "e1"));
        Assert.Equal(7UL, table.Clock);
        Assert.Equal(EpochVersion, table.Publish(42, "net", "mine", Mac(50), [], Vtep("a"))!.Version);
        table.Merge(Record("b", "e1", 3, version: EpochVersion + 1000));
        Assert.Equal(EpochVersion + 1001, table.Publish(42, "net", "mine", Mac(50), [Ip(50)], Vtep("a"))!.Version);
    }

    [Fact]
    public void Two_owners_writing_one_key_at_the_same_version_resolve_to_the_greater_owner_in_either_order()
    {
        EndpointRecord fromB = Record("b", "e1", 1, version: 5);
        EndpointRecord fromC = Record("c", "e1", 2, version: 5);
        var x = Table("x", Time());
        var y = Table("y", Time());
        x.Merge(fromB);
        x.Merge(fromC);
        y.Merge(fromC);
        y.Merge(fromB);
        Assert.Equal("c", x.Records.Single().Owner);
        Assert.Equal("c", y.Records.Single().Owner);
    }

    [Fact]
    public void Two_lives_of_one_owner_writing_one_key_at_the_same_version_resolve_to_the_same_record_in_either_order()
    {
        EndpointRecord oldLife = Record("b", "e1", 1, version: 5, boot: 0x10);
        EndpointRecord newLife = Record("b", "e1", 1, version: 5, boot: 0x20);
        var x = Table("x", Time());
        var y = Table("y", Time());
        x.Merge(oldLife);
        Assert.Equal(MergeOutcome.Applied, x.Merge(newLife).Outcome);
        y.Merge(newLife);
        Assert.Equal(MergeOutcome.Unchanged, y.Merge(oldLife).Outcome);
        Assert.Same(newLife, x.Records.Single());
        Assert.Same(newLife, y.Records.Single());
    }

    [Fact]
    public void A_table_started_later_writes_above_everything_an_earlier_life_wrote_without_hearing_of_it()
    {
        var time = Time();
        var first = Table("a", time, boot: 0x10);
        ulong last = 0;
        for (int i = 0; i < 1000; i++)
        {
            last = first.Publish(42, "net", "e1", Mac(1), [Ip(1 + (i % 2))], Vtep("a"))!.Version;
        }
        time.Advance(TimeSpan.FromMilliseconds(1)); // kill -9 and start again: at least a millisecond later
        var second = Table("a", time, boot: 0x20);
        EndpointRecord reborn = second.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"))!;
        Assert.True(reborn.Version > last, $"{reborn.Version} <= {last}");

        var observer = Table("x", time);
        observer.SetOwnerAlive("a", 0x20);
        observer.Merge(first.Records.Single());
        Assert.Equal(MergeOutcome.Applied, observer.Merge(reborn).Outcome);
        Assert.Equal(Vtep("a"), observer.Desired.Remotes[new(42, Mac(1))]);
    }

    [Fact]
    public void Versions_follow_the_table_clock_not_wall_clock_steps()
    {
        var clock = new ManualClock(Epoch);
        var table = new EndpointTable("a", 7, Options(), clock);
        ulong before = table.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"))!.Version;
        clock.StepWall(TimeSpan.FromHours(-1));
        clock.Advance(TimeSpan.FromSeconds(2));
        ulong after = table.Publish(42, "net", "e1", Mac(1), [Ip(2)], Vtep("a"))!.Version;
        Assert.Equal(EndpointTable.WallVersion(Epoch + TimeSpan.FromSeconds(2)), after);
        Assert.True(after > before);
    }

    [Fact]
    public void A_withdrawal_is_a_tombstone_that_a_stale_copy_cannot_beat()
    {
        var time = Time();
        var table = Table("x", time);
        table.SetOwnerAlive("b", BootOf("b"));
        table.Merge(Record("b", "e1", 1, version: 3));
        Assert.Single(table.Desired.Remotes);
        table.Merge(Record("b", "e1", 1, version: 4, deleted: true, deletedAt: time.GetUtcNow()));
        Assert.Empty(table.Desired.Remotes);
        Assert.Equal(MergeOutcome.Unchanged, table.Merge(Record("b", "e1", 1, version: 3)).Outcome);
        Assert.Empty(table.Desired.Remotes);
        Assert.True(table.Records.Single().Deleted);
    }

    [Fact]
    public void Withdrawing_writes_a_tombstone_above_the_record_and_only_for_our_own_endpoints()
    {
        var time = Time();
        var table = Table("a", time);
        table.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        table.Merge(Record("b", "e2", 2, version: 10));
        Assert.Null(table.Withdraw(42, "e2"));
        Assert.Null(table.Withdraw(42, "nope"));
        EndpointRecord tombstone = table.Withdraw(42, "e1")!;
        Assert.True(tombstone.Deleted);
        Assert.Equal(EpochVersion + 1, tombstone.Version);
        Assert.Equal(time.GetUtcNow(), tombstone.DeletedAt);
        Assert.Null(table.Withdraw(42, "e1"));
        Assert.Empty(table.LocalEndpoints());
    }

    [Fact]
    public void Publishing_values_no_record_may_hold_throws()
    {
        var table = Table("a", Time());
        Assert.Throws<ArgumentException>(() => table.Publish(42, "net", "e1", MacAddress.Broadcast, [], Vtep("a")));
        Assert.Throws<ArgumentException>(() => table.Publish(1 << 24, "net", "e1", Mac(1), [], Vtep("a")));
        Assert.Throws<ArgumentException>(() => table.Publish(42, "net", "", Mac(1), [], Vtep("a")));
        Assert.Throws<ArgumentException>(() => table.Publish(42, "net", new string('x', 256), Mac(1), [], Vtep("a")));
        Assert.Throws<ArgumentException>(() => table.Publish(42, "net", "e1", Mac(1), [.. Enumerable.Range(1, 17).Select(Ip)], Vtep("a")));
        Assert.Throws<ArgumentException>(() => table.Publish(42, "net", "e1", Mac(1), [], IpAddr.None));
        Assert.Throws<ArgumentException>(() => table.Publish(42, "net", "e1", Mac(1), [IpAddr.FromV4(0)], Vtep("a")));
        Assert.Empty(table.Records);
    }

    [Fact]
    public void Records_with_impossible_versions_are_rejected_and_do_not_move_the_clock()
    {
        var table = Table("a", Time());
        Assert.Equal(MergeOutcome.Rejected, table.Merge(Record("b", "e1", 1, version: 0)).Outcome);
        Assert.Equal(MergeOutcome.Rejected, table.Merge(Record("b", "e1", 1, version: EndpointTable.MaxVersion + 1)).Outcome);
        Assert.Equal(0UL, table.Clock);
        Assert.Equal(2, table.Counters.RecordsRejected);
    }

    [Fact]
    public void A_newer_write_of_our_endpoint_by_another_node_supersedes_ours_and_says_so()
    {
        var table = Table("a", Time());
        table.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        (EndpointRecord Ours, EndpointRecord Theirs)? seen = null;
        table.LocalEndpointSuperseded += (ours, theirs) => seen = (ours, theirs);
        table.SetOwnerAlive("b", BootOf("b"));
        table.Merge(Record("b", "e1", 1, version: EpochVersion + 1));
        Assert.NotNull(seen);
        Assert.Equal("a", seen.Value.Ours.Owner);
        Assert.Equal("b", seen.Value.Theirs.Owner);
        Assert.Empty(table.LocalEndpoints());
        Assert.Equal(Vtep("b"), table.Desired.Remotes[new(42, Mac(1))]);
        Assert.Equal(1, table.Counters.LocalSuperseded);
    }

    [Fact]
    public void Our_own_endpoints_are_local_ports_and_make_no_entries_but_still_outrank_older_claims()
    {
        var table = Table("a", Time());
        table.SetOwnerAlive("b", BootOf("b"));
        table.Merge(Record("b", "old", 1, version: 3, ips: [1]));
        Assert.Equal(Vtep("b"), table.Desired.Remotes[new(42, Mac(1))]);
        table.Publish(42, "net", "new", Mac(1), [Ip(1)], Vtep("a"));
        Assert.Empty(table.Desired.Remotes);
        Assert.Empty(table.Desired.Neighbours);
        Assert.Empty(table.ShadowedLocalEndpoints());
    }

    [Fact]
    public void A_local_endpoint_whose_MAC_a_newer_remote_claim_holds_is_reported_as_shadowed()
    {
        var table = Table("a", Time());
        table.Publish(42, "net", "mine", Mac(1), [Ip(1)], Vtep("a"));
        table.SetOwnerAlive("b", BootOf("b"));
        table.Merge(Record("b", "theirs", 1, version: EpochVersion + 9, ips: [1]));
        Assert.Equal("mine", table.ShadowedLocalEndpoints().Single().EndpointId);
        Assert.Equal(Vtep("b"), table.Desired.Remotes[new(42, Mac(1))]);
    }
}
