using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Net.Tests;

/// <summary>The runner on fake time: its timer follows the node's deadlines, calls run on the node thread, node
/// exceptions are reported without stopping the loop, and a graceful stop runs until the leave has spread.</summary>
public sealed class GossipRunnerTests
{
    private static readonly GossipEndPoint Peer = GossipEndPoint.FromIPv4(0x7F000002, 7946);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RecordingTransport _transport = new();
    private readonly ConcurrentQueue<Exception> _errors = new();

    private (GossipNode Node, GossipRunner Runner) Create(IGossipDelegate? gossipDelegate = null, GossipRunnerOptions? options = null)
    {
        var node = new GossipNode(GossipOptions.Local with { Name = "self" }, _transport, gossipDelegate, _time, new Random(1));
        return (node, new GossipRunner(node, options, _time, _errors.Enqueue));
    }

    /// <summary>Lets the loop handle what fake time made due: a call queued after the wake-up runs after the tick.</summary>
    private static async Task SettleAsync(GossipRunner runner)
    {
        await runner.InvokeAsync(_ => { });
        await runner.InvokeAsync(_ => { });
    }

    [Fact]
    public async Task Ticks_follow_the_nodes_deadlines_on_the_time_provider()
    {
        (GossipNode node, GossipRunner runner) = Create();
        await using GossipRunner owned = runner;
        await runner.StartAsync();
        long rounds0 = await runner.InvokeAsync(n => n.Metrics.GossipRounds);

        for (int i = 0; i < 10; i++)
        {
            _time.Advance(node.Options.GossipInterval);
            await SettleAsync(runner);
        }

        long rounds = await runner.InvokeAsync(n => n.Metrics.GossipRounds) - rounds0;
        Assert.InRange(rounds, 9, 10);
        Assert.True(await runner.InvokeAsync(n => n.NextDueTimestamp) > _time.GetTimestamp());
        Assert.Empty(_errors);
    }

    [Fact]
    public async Task Start_joins_the_seeds_and_completions_come_back_on_the_node_thread()
    {
        (GossipNode _, GossipRunner runner) = Create();
        await using GossipRunner owned = runner;

        Assert.Equal(1, await runner.StartAsync([Peer]));
        long id = Assert.Single(_transport.PushPulls);
        var remote = new PushPullMessage([new PushNodeState("peer", [127, 0, 0, 2], 7946, null, 1, NodeStateKind.Alive, [1, 5, 2, 0, 0, 0])], null, Join: true);
        runner.PostPushPullDone(id, remote);

        await SettleAsync(runner);
        Assert.Equal(1, await runner.InvokeAsync(n => n.SuccessfulJoins));
        Assert.Equal(2, (await runner.InvokeAsync(n => n.Members())).Count);
    }

    [Fact]
    public async Task Node_exceptions_are_reported_and_the_loop_goes_on()
    {
        var recorder = new RecordingDelegate { OnUserMessage = _ => throw new InvalidOperationException("delegate bug") };
        (GossipNode _, GossipRunner runner) = Create(recorder);
        await using GossipRunner owned = runner;
        await runner.StartAsync();

        Assert.True(runner.TryPostPacket(Peer, [new UserMessage([1])]));
        await SettleAsync(runner);

        Assert.Equal(1, runner.Errors);
        Assert.IsType<InvalidOperationException>(Assert.Single(_errors));
        // A control-path call's exception goes to its caller instead, and is not logged.
        await Assert.ThrowsAsync<DivideByZeroException>(() => runner.InvokeAsync<int>(_ => throw new DivideByZeroException()));
        Assert.Equal(1, runner.Errors);
        Assert.True(runner.IsRunning);
        Assert.Single(await runner.InvokeAsync(n => n.Members()));
    }

    [Fact]
    public async Task Received_packets_beyond_the_queue_bound_are_refused()
    {
        (GossipNode _, GossipRunner runner) = Create(options: new GossipRunnerOptions { MaxQueuedPackets = 3 });
        await using GossipRunner owned = runner;

        // Not started yet: nothing drains the queue.
        for (int i = 0; i < 3; i++)
        {
            Assert.True(runner.TryPostPacket(Peer, [new NackResp(1)]));
        }
        Assert.False(runner.TryPostPacket(Peer, [new NackResp(1)]));
        Assert.Equal(3, runner.QueuedPackets);

        await runner.StartAsync();
        await SettleAsync(runner);
        Assert.Equal(0, runner.QueuedPackets);
        Assert.True(runner.TryPostPacket(Peer, [new NackResp(1)]));
    }

    [Fact]
    public async Task A_graceful_stop_runs_until_the_leave_has_spread()
    {
        (GossipNode node, GossipRunner runner) = Create(options: new GossipRunnerOptions { LeaveTimeout = TimeSpan.FromSeconds(3) });
        await runner.StartAsync();
        // Two peers: with one, GossipNode.LeaveDisseminated is true at once (it counts itself among the alive
        // after it has left; reported to the core).
        GossipEndPoint other = GossipEndPoint.FromIPv4(0x7F000003, 7946);
        await runner.InvokeAsync(n => n.Preload([
            new Alive(1, "peer", [127, 0, 0, 2], 7946, null, [1, 5, 2, 0, 0, 0]),
            new Alive(1, "other", [127, 0, 0, 3], 7946, null, [1, 5, 2, 0, 0, 0])]));

        Task stop = runner.StopAsync(leave: true);
        await Task.Delay(50);
        Assert.False(stop.IsCompleted); // the peer has not been told yet

        // Gossip rounds send the dead-about-self until its transmits run out.
        for (int i = 0; i < 40 && !stop.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
        await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains(_transport.Packets, p => p.To == Peer && p.Messages.OfType<Dead>().Any(d => d.Node == "self" && d.From == "self"));
        Assert.Contains(_transport.Packets, p => p.To == other && p.Messages.OfType<Dead>().Any(d => d.Node == "self" && d.From == "self"));
        Assert.False(runner.IsRunning);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => runner.InvokeAsync(n => n.Members()));
        Assert.Null(await runner.ServePushPullAsync(Peer, new PushPullMessage([], null, false)));
        Assert.False(await runner.ServeStreamPingAsync(Peer, new Ping(1, "self", null, 0, null)));
    }

    [Fact]
    public async Task A_stop_without_leave_is_immediate_and_a_runner_never_started_stops_too()
    {
        (GossipNode _, GossipRunner runner) = Create();
        await runner.StartAsync();
        await runner.StopAsync(leave: false).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(runner.IsRunning);

        (GossipNode _, GossipRunner idle) = Create();
        await idle.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => idle.InvokeAsync(n => n.Name));
    }
}
