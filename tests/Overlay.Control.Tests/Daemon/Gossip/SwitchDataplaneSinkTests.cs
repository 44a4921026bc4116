using Microsoft.Extensions.Logging;
using Overlay.Daemon.Gossip;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Switching;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;
using Overlay.Testing;

namespace Overlay.Control.Tests.Daemon.Gossip;

/// <summary>
/// The gossip-to-switch sink batches: however many changes the control plane makes in one piece of work, the switch
/// worker gets one command, after the work, and nothing runs on it before; the switch ends in the state the changes
/// describe in order (a later change for a key wins, also across batches); refusals are counted, logged and ask for
/// a resync. The worker is played by the test: it holds the posted commands and runs them on a real switch.
/// </summary>
public sealed class SwitchDataplaneSinkTests
{
    private const uint Vni = 42;
    private static readonly IpAddr VtepA = IpAddr.Parse("198.18.0.2");
    private static readonly IpAddr VtepB = IpAddr.Parse("198.18.0.3");

    private readonly List<Action<VxlanSwitch>> _posted = [];
    private readonly RecordingLogger _log = new();
    private VxlanSwitch _switch = null!;
    private SwitchNetwork _network = null!;
    private int _flushRequests;

    public SwitchDataplaneSinkTests() => UseSwitch(maxAddresses: 0);

    /// <summary>A fresh switch with network 42 (ARP proxy) whose forwarding table holds at most
    /// <paramref name="maxAddresses"/> entries (0: no cap).</summary>
    private void UseSwitch(int maxAddresses)
    {
        var underlay = new InMemoryUnderlay();
        var local = IpAddr.Parse("198.18.0.1");
        _switch = new VxlanSwitch(new PacketBufferPool(256), new VxlanSettings { LocalV4 = local }, underlay.Attach(local), TimeProvider.System);
        _network = _switch.AddNetwork(new NetworkSettings { Name = "blue", Vni = Vni, ArpProxy = true, MaxAddresses = maxAddresses });
    }

    /// <summary>The sink as the daemon wires it, with the test as the switch worker (it keeps what is posted) and as
    /// the gossip runner (it counts flush requests and calls Flush itself).</summary>
    private SwitchDataplaneSink NewSink(bool switchRuns = true) => new(work =>
    {
        if (switchRuns) _posted.Add(work);
        return switchRuns;
    }, () => _flushRequests++, _log);

    private static MacAddress Mac(int i) => new(0x02_00_00_00_00_00UL + (ulong)i + 1);

    private static IpAddr Ip(int i) => IpAddr.FromV4(0xC6_13_00_00u + (uint)i + 1); // 198.19.0.0/16

    /// <summary>Runs what was posted, in order, as the switch worker would.</summary>
    private void RunWorker()
    {
        foreach (var work in _posted) work(_switch);
        _posted.Clear();
    }

    [Fact]
    public void A_thousand_changes_from_one_push_pull_are_one_worker_invoke_and_the_switch_ends_right()
    {
        const int n = 1000;
        var sink = NewSink();

        // What a push/pull merge of a large table makes the control plane call, all on the gossip thread.
        for (int i = 0; i < n; i++)
        {
            Assert.True(sink.SetRemote(Vni, Mac(i), VtepA));
            Assert.True(sink.SetNeighbour(Vni, Ip(i), Mac(i)));
        }
        // Later news in the same piece of work: 0..99 moved to B, 100..199 went away.
        for (int i = 0; i < 100; i++) sink.SetRemote(Vni, Mac(i), VtepB);
        for (int i = 100; i < 200; i++)
        {
            sink.RemoveNeighbour(Vni, Ip(i), Mac(i));
            sink.RemoveRemote(Vni, Mac(i), VtepA);
        }

        // The gossip thread has not handed anything to the worker yet, and asked once for a flush.
        Assert.Equal(1, _flushRequests);
        Assert.Empty(_posted);
        Assert.Equal(2 * n + 300, sink.Queued);

        sink.Flush();

        Assert.Single(_posted);
        Assert.Equal(0, sink.Queued);
        RunWorker();

        Assert.Equal(n - 100, _network.Fdb.Count);
        for (int i = 0; i < n; i++)
        {
            bool present = _network.Fdb.TryGet(Mac(i), out FdbEntry entry);
            bool neighbour = _network.Neighbours.TryGet(Ip(i), out MacAddress mac);
            if (i is >= 100 and < 200)
            {
                Assert.False(present, $"{Mac(i)} should have been removed");
                Assert.False(neighbour, $"{Ip(i)} should have been removed");
                continue;
            }
            Assert.True(present, $"{Mac(i)} missing");
            Assert.Equal(FdbEntryKind.Static, entry.Kind);
            Assert.False(entry.IsLocal);
            Assert.Equal(i < 100 ? VtepB : VtepA, entry.Remote);
            Assert.True(neighbour && mac == Mac(i), $"{Ip(i)} should answer {Mac(i)}");
        }
        Assert.Equal(1, sink.Batches);
        Assert.Equal(2 * n + 300, sink.Applied);
        Assert.Equal(0, sink.Failed);
        Assert.False(sink.TakeResyncRequest());
        Assert.DoesNotContain(_log.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Each_batch_is_one_invoke_and_a_later_batch_wins_over_an_earlier_one()
    {
        var sink = NewSink();

        sink.SetRemote(Vni, Mac(1), VtepA);
        sink.SetRemote(Vni, Mac(2), VtepA);
        sink.Flush();
        sink.SetRemote(Vni, Mac(1), VtepB);
        sink.RemoveRemote(Vni, Mac(2), VtepA);
        sink.Flush();
        sink.Flush(); // nothing queued: nothing posted

        Assert.Equal(2, _flushRequests);
        Assert.Equal(2, _posted.Count);
        RunWorker();
        Assert.True(_network.Fdb.TryGet(Mac(1), out FdbEntry entry));
        Assert.Equal(VtepB, entry.Remote);
        Assert.False(_network.Fdb.TryGet(Mac(2), out _));
        Assert.Equal(2, sink.Batches);
    }

    [Fact]
    public void A_removal_takes_only_the_entry_the_control_plane_installed()
    {
        var sink = NewSink();
        sink.SetRemote(Vni, Mac(1), VtepA);
        sink.SetNeighbour(Vni, Ip(1), Mac(1));
        sink.Flush();
        RunWorker();

        // Stale news: the entry and the neighbour point elsewhere by now.
        sink.RemoveRemote(Vni, Mac(1), VtepB);
        sink.RemoveNeighbour(Vni, Ip(1), Mac(2));
        sink.SetRemote(Vni + 1, Mac(3), VtepA); // a network this switch does not have: nothing to do, no failure
        sink.Flush();
        RunWorker();

        Assert.True(_network.Fdb.TryGet(Mac(1), out FdbEntry entry) && entry.Remote == VtepA);
        Assert.True(_network.Neighbours.TryGet(Ip(1), out MacAddress mac) && mac == Mac(1));
        Assert.Equal(0, sink.Failed);
    }

    [Fact]
    public void Refused_changes_are_counted_logged_and_ask_for_one_resync_while_the_rest_of_the_batch_lands()
    {
        UseSwitch(maxAddresses: 2);
        var sink = NewSink();

        for (int i = 0; i < 3; i++) sink.SetRemote(Vni, Mac(i), VtepA);
        sink.SetNeighbour(Vni, Ip(0), Mac(0));
        sink.Flush();
        RunWorker();

        Assert.Equal(2, _network.Fdb.Count);
        Assert.True(_network.Neighbours.TryGet(Ip(0), out _));
        Assert.Equal(3, sink.Applied);
        Assert.Equal(1, sink.Failed);
        Assert.True(sink.TakeResyncRequest());
        Assert.False(sink.TakeResyncRequest());
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("refused 1 of 4", warning.Message);
        Assert.Contains(Mac(2).ToString(), warning.Message);
    }

    [Fact]
    public void Without_a_running_switch_the_batch_is_counted_as_failed_and_asks_for_a_resync()
    {
        var sink = NewSink(switchRuns: false);

        sink.SetRemote(Vni, Mac(1), VtepA);
        sink.SetNeighbour(Vni, Ip(1), Mac(1));
        sink.Flush();

        Assert.Equal(2, sink.Failed);
        Assert.True(sink.TakeResyncRequest());
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("no switch runs to apply 2 changes", StringComparison.Ordinal));
    }
}
