using System.Collections.Concurrent;
using System.Net;
using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Net.Tests;

/// <summary>One of our nodes on loopback, wired as the daemon wires it: transport (binds) -> node -> runner ->
/// transport.Start -> runner.StartAsync.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private bool _stopped;

    private TestNode(string name, UdpTcpTransport transport, GossipRunner runner, RecordingDelegate recorder, GossipOptions options,
        ConcurrentQueue<Exception> errors)
    {
        Errors = errors;
        Name = name;
        Transport = transport;
        Runner = runner;
        Delegate = recorder;
        Options = options;
    }

    public string Name { get; }

    public UdpTcpTransport Transport { get; }

    public GossipRunner Runner { get; }

    public RecordingDelegate Delegate { get; }

    public GossipOptions Options { get; }

    /// <summary>What the transport and the runner reported to their error callbacks (should stay empty).</summary>
    public ConcurrentQueue<Exception> Errors { get; }

    public GossipEndPoint EndPoint => Transport.LocalEndPoint;

    public static UdpTcpTransportOptions Loopback(string label = "", params byte[][] keys) => new()
    {
        BindAddress = IPAddress.Loopback,
        Port = 0,
        Label = label,
        Keys = keys,
    };

    public static async Task<TestNode> StartAsync(string name, UdpTcpTransportOptions? transportOptions = null,
        GossipOptions? options = null, RecordingDelegate? recorder = null, params GossipEndPoint[] seeds)
    {
        options = (options ?? GossipOptions.Local) with { Name = name };
        recorder ??= new RecordingDelegate();
        var errors = new ConcurrentQueue<Exception>();
        var transport = new UdpTcpTransport(transportOptions ?? Loopback(), onError: errors.Enqueue);
        var node = new GossipNode(options, transport, recorder, sizer: transport.Sizer);
        recorder.Node = node;
        var runner = new GossipRunner(node, onError: errors.Enqueue);
        var test = new TestNode(name, transport, runner, recorder, options, errors);
        transport.Start(runner);
        await runner.StartAsync(seeds);
        return test;
    }

    /// <summary>Broadcasts news from this node; every node's delegate passes it on once.</summary>
    public Task BroadcastAsync(byte[] payload) => Runner.InvokeAsync(n => Delegate.Originate(n, payload));

    public Task<IReadOnlyList<Member>> MembersAsync() => Runner.InvokeAsync(n => n.Members());

    public async Task<NodeStateKind?> StateOfAsync(string name)
    {
        IReadOnlyList<Member> members = await MembersAsync();
        return members.Any(m => m.Name == name) ? members.First(m => m.Name == name).State : null;
    }

    public async Task<bool> SeesAliveAsync(params string[] names)
    {
        IReadOnlyList<Member> members = await MembersAsync();
        return names.All(n => members.Any(m => m.Name == n && m.State == NodeStateKind.Alive));
    }

    public async Task<string> DescribeAsync()
    {
        IReadOnlyList<Member> members = Runner.IsRunning ? await MembersAsync() : [];
        return $"{Name} sees [{string.Join(", ", members.Select(m => $"{m.Name}:{m.State}"))}]; transport {Transport.Counters}";
    }

    /// <summary>Dies without a word: no leave, sockets closed.</summary>
    public async Task KillAsync()
    {
        _stopped = true;
        Transport.Dispose();
        await Runner.StopAsync(leave: false);
    }

    public async Task LeaveAsync()
    {
        _stopped = true;
        await Runner.StopAsync(leave: true);
        Transport.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await KillAsync();
        }
    }
}
