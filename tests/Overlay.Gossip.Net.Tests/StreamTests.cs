using System.Net.Sockets;
using System.Text;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Net.Tests.Interop;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net.Tests;

/// <summary>The stream paths that a healthy cluster rarely takes: the TCP fallback ping (dialled by us, served by
/// us and by memberlist) and a user message sent over a stream (memberlist's SendReliable).</summary>
public sealed class StreamTests
{
    private static readonly byte[] Key = Enumerable.Range(60, 16).Select(i => (byte)i).ToArray();

    public static TheoryData<bool, string> Variants() => new()
    {
        { false, "" },
        { true, "overlay-streams" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task A_stream_ping_is_acked_by_our_node_and_by_memberlist_only_when_it_names_them(bool encrypted, string label)
    {
        byte[][] keys = encrypted ? [Key] : [];
        using MemberlistPeer go = MemberlistPeer.Start("go-peer", encrypted ? Key : null, label);
        await using TestNode x = await TestNode.StartAsync("x", TestNode.Loopback(label, keys));
        await using TestNode y = await TestNode.StartAsync("y", TestNode.Loopback(label, keys));
        TimeSpan timeout = TimeSpan.FromSeconds(2);

        foreach ((string name, Transport.GossipEndPoint at) in new[] { ("y", y.EndPoint), ("go-peer", go.EndPoint) })
        {
            StreamRead read = await x.Transport.ExchangeAsync(at, MemberlistCodec.Encode(new Ping(41, name, [127, 0, 0, 1], x.EndPoint.Port, "x")), timeout);
            Assert.Equal(WireError.None, read.Error);
            Assert.Equal(41u, Assert.IsType<AckResp>(read.Message.Body).SeqNo);
            Assert.Equal(encrypted, read.Nonce is not null);

            // A ping for someone else is not acked: the connection just closes.
            read = await x.Transport.ExchangeAsync(at, MemberlistCodec.Encode(new Ping(42, "somebody-else", null, 0, null)), timeout);
            Assert.Equal(WireError.Truncated, read.Error);
        }
        Assert.Equal(0, y.Transport.Counters.TotalDropped);
    }

    [Fact]
    public async Task A_large_push_pull_state_crosses_both_ways_within_the_limit_and_is_refused_beyond_it()
    {
        byte[] big = new byte[300_000];
        new Random(3).NextBytes(big);
        byte[] other = big.Reverse().ToArray();
        // The Local preset's 1 s stream timeout is tight for 300 KB each way through a cold JIT on a busy machine.
        GossipOptions patient = GossipOptions.Local with { TcpTimeout = TimeSpan.FromSeconds(5) };
        await using TestNode seed = await TestNode.StartAsync("seed", TestNode.Loopback("lbl", Key), patient, new RecordingDelegate { State = big });
        await using TestNode joiner = await TestNode.StartAsync("joiner", TestNode.Loopback("lbl", Key), patient, new RecordingDelegate { State = other },
            seeds: [seed.EndPoint]);

        await Eventually.HoldsAsync(() => joiner.Delegate.RemoteStates.Any(s => s.AsSpan().SequenceEqual(big))
                && seed.Delegate.RemoteStates.Any(s => s.AsSpan().SequenceEqual(other)),
            TimeSpan.FromSeconds(5), () => $"states {string.Join(",", seed.Delegate.RemoteStates.Select(s => s.Length))} / {string.Join(",", joiner.Delegate.RemoteStates.Select(s => s.Length))}; {seed.Transport.Counters} / {joiner.Transport.Counters}");

        // A node that reads at most 64 KiB per stream message refuses the big state, and the join fails.
        await using TestNode strict = await TestNode.StartAsync("strict", TestNode.Loopback("lbl", Key) with { MaxStreamMessageBytes = 64 * 1024 },
            patient, seeds: [seed.EndPoint]);
        await Eventually.HoldsAsync(() => strict.Transport.Counters.Dropped(TransportDropReason.TooLarge) > 0,
            TimeSpan.FromSeconds(5), strict.Transport.Counters.ToString);
        Assert.Equal(0, await strict.Runner.InvokeAsync(n => n.SuccessfulJoins));
    }

    [Fact]
    public async Task A_user_message_over_a_stream_reaches_the_delegate()
    {
        await using TestNode node = await TestNode.StartAsync("n", TestNode.Loopback("lbl", Key));
        var security = new GossipSecurityOptions { Label = Encoding.UTF8.GetBytes("lbl"), Keyring = Keyring.Create(Key) };
        byte[] payload = "reliable"u8.ToArray();

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(node.Transport.BoundEndPoint);
        byte[] stream = [.. StreamEnvelope.LabelPrefix(security), .. StreamEnvelope.Seal(StreamCodec.EncodeUserMessage(payload), security, compress: true)];
        await client.SendAsync(stream);

        await Eventually.HoldsAsync(() => node.Delegate.Received(payload), TimeSpan.FromSeconds(3), node.Transport.Counters.ToString);
    }
}
