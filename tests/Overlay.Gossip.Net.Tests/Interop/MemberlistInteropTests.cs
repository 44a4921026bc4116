using System.Text;
using Overlay.Gossip.Messages;
using Xunit.Abstractions;

namespace Overlay.Gossip.Net.Tests.Interop;

/// <summary>Two of our nodes and a real memberlist node form one cluster: each side sees the others join, our
/// broadcast reaches memberlist and its push/pull user state reaches us, a node of ours killed goes dead in
/// memberlist's view, and memberlist SIGKILLed goes dead in ours. Plain, with memberlist's own keyring, and with a
/// key and a label (the peer's label wrapper: Debian's memberlist predates labels).</summary>
public sealed class MemberlistInteropTests(ITestOutputHelper output)
{
    private static readonly byte[] Key = Enumerable.Range(40, 32).Select(i => (byte)i).ToArray();

    public static TheoryData<bool, string> Variants() => new()
    {
        { false, "" },
        { true, "" },
        { true, "overlay-interop" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Our_nodes_and_memberlist_form_one_cluster_and_detect_each_others_failure(bool encrypted, string label)
    {
        byte[][] keys = encrypted ? [Key] : [];
        TimeSpan bound = ClusterTests.FailureDetectionBound(GossipOptions.Local, members: 3);
        using MemberlistPeer go = MemberlistPeer.Start("go-peer", encrypted ? Key : null, label);
        await using TestNode a = await TestNode.StartAsync("overlay-a", TestNode.Loopback(label, keys), seeds: [go.EndPoint]);
        await using TestNode b = await TestNode.StartAsync("overlay-b", TestNode.Loopback(label, keys), seeds: [a.EndPoint]);

        // Everyone sees everyone: ours through Members(), memberlist through its join events.
        TimeSpan converged = await Eventually.HoldsAsync(
            async () => await a.SeesAliveAsync("overlay-a", "overlay-b", "go-peer") && await b.SeesAliveAsync("overlay-a", "overlay-b", "go-peer"),
            TimeSpan.FromSeconds(15),
            async () => $"{await a.DescribeAsync()}\n{await b.DescribeAsync()}\nmemberlist:\n{go.Events}\n{go.Log}");
        go.WaitFor(e => MemberlistPeer.Is(e, "join", "overlay-a"), TimeSpan.FromSeconds(10), "join of overlay-a");
        go.WaitFor(e => MemberlistPeer.Is(e, "join", "overlay-b"), TimeSpan.FromSeconds(10), "join of overlay-b");
        output.WriteLine($"converged in {converged.TotalMilliseconds:0} ms");

        // What rides on it: memberlist's push/pull user state reached our delegate; our user message (in a packet
        // with piggybacked gossip: a compound) reaches memberlist's.
        Assert.Contains(a.Delegate.RemoteStates, s => s.AsSpan().SequenceEqual("memberlist-peer-state"u8));
        byte[] direct = Encoding.UTF8.GetBytes($"direct from overlay-a ({(encrypted ? "encrypted" : "plain")})");
        await a.Runner.InvokeAsync(n => n.SendUserMessage(go.EndPoint, direct));
        go.WaitFor(e => MemberlistPeer.Is(e, "user") && e.GetProperty("data").GetString() == Convert.ToBase64String(direct),
            TimeSpan.FromSeconds(5), "our direct user message");
        // memberlist announced protocol 5, so our packets to it carry the CRC header, which it checked.
        Assert.True(a.Transport.SendsCrcTo(go.EndPoint));

        // One of ours dies without a word: memberlist declares it gone (by its own probes, or by our dead message,
        // whichever is first). memberlist 0.2.x hands NotifyLeave the node before its state changes, so the event's
        // "state" still says alive; that it is dead and not left is what overlay-a says.
        await b.KillAsync();
        TimeSpan goSawDead = TimeSpan.Zero;
        await Task.Run(() => goSawDead = go.WaitFor(e => MemberlistPeer.Is(e, "leave", "overlay-b"), bound, "overlay-b declared dead"));
        await Eventually.HoldsAsync(async () => await a.StateOfAsync("overlay-b") == NodeStateKind.Dead, bound, a.DescribeAsync);
        output.WriteLine($"memberlist declared overlay-b dead after {goSawDead.TotalSeconds:0.0} s (bound {bound.TotalSeconds:0.0} s)");

        // A fresh node of ours joins (so two of ours confirm the next suspicion), then memberlist is SIGKILLed.
        await using TestNode c = await TestNode.StartAsync("overlay-c", TestNode.Loopback(label, keys), seeds: [a.EndPoint]);
        await Eventually.HoldsAsync(async () => await c.SeesAliveAsync("overlay-a", "overlay-c", "go-peer") && await a.SeesAliveAsync("overlay-c"),
            TimeSpan.FromSeconds(10), async () => await c.DescribeAsync());
        go.WaitFor(e => MemberlistPeer.Is(e, "join", "overlay-c"), TimeSpan.FromSeconds(10), "join of overlay-c");
        go.Kill();
        TimeSpan weSawDead = await Eventually.HoldsAsync(
            async () => await a.StateOfAsync("go-peer") == NodeStateKind.Dead && await c.StateOfAsync("go-peer") == NodeStateKind.Dead,
            bound,
            async () => $"{await a.DescribeAsync()}\n{await c.DescribeAsync()}");
        output.WriteLine($"we declared go-peer dead after {weSawDead.TotalSeconds:0.0} s (bound {bound.TotalSeconds:0.0} s)");

        foreach (TestNode node in new[] { a, c })
        {
            TransportCounters counters = node.Transport.Counters;
            output.WriteLine($"{node.Name}: {counters}");
            foreach (TransportDropReason reason in Enum.GetValues<TransportDropReason>())
            {
                // After the kills, dials to the dead fail (StreamError/StreamTimeout); nothing else may be dropped.
                if (reason is not (TransportDropReason.StreamError or TransportDropReason.StreamTimeout))
                {
                    Assert.True(counters.Dropped(reason) == 0, $"{node.Name}: {reason} = {counters.Dropped(reason)}; {counters}");
                }
            }
            Assert.Empty(node.Errors);
        }
    }
}
