using System.Net;
using System.Net.Sockets;
using System.Text;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Interop;

/// <summary>Live exchanges with a real memberlist node on loopback: our push/pull join (stream,
/// compressed and encrypted replies included), its UDP probe answered by our ack, our user message.
/// With -label the peer's label (and label-bound encryption) is the peer's transport wrapper, since
/// Debian's memberlist 0.2.x predates labels; without -label all crypto is memberlist's own.</summary>
public sealed class PeerInteropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly byte[] Vsn = [1, 5, 2, 0, 0, 0];

    public static TheoryData<bool, string> Variants() => new()
    {
        { false, "" },
        { true, "" },
        { false, "overlay-test" },
        { true, "overlay-test" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Overlay_joins_a_real_memberlist_node_and_answers_its_probe(bool encrypt, string label)
    {
        byte[]? key = encrypt ? Enumerable.Range(100, 32).Select(i => (byte)i).ToArray() : null;
        var options = new GossipSecurityOptions { Keyring = key is null ? null : Keyring.Create(key), Label = Encoding.UTF8.GetBytes(label) };
        using var peer = PeerProcess.Start("go-peer", key, label);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int ourPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;

        // Join: push/pull over TCP. memberlist answers with its own state (compressed; encrypted with a key).
        PushPullState theirs = PushPull(peer, options, new PushNodeState("overlay-1", [127, 0, 0, 1], (ushort)ourPort, "overlay"u8.ToArray(), 1, NodeStateKind.Alive, Vsn));
        Assert.True(theirs.Header.Join);
        PushNodeState goNode = Assert.Single(theirs.Nodes, n => n.Name == "go-peer");
        Assert.Equal(NodeStateKind.Alive, goNode.State);
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, goNode.Addr);
        Assert.Equal(peer.Port, goNode.Port);
        Assert.Equal("memberlist-peer-state"u8.ToArray(), theirs.UserState);
        peer.WaitFor(e => PeerProcess.Is(e, "join", "overlay-1"), Timeout, "memberlist to report overlay-1 joined");

        // memberlist probes us over UDP; find its ping (maybe in a compound, maybe compressed) and ack it.
        udp.Client.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        Ping? ping = null;
        IPEndPoint from = new(IPAddress.Any, 0);
        while (ping is null)
        {
            byte[] datagram = udp.Receive(ref from);
            var scratch = new byte[datagram.Length];
            Assert.Equal(WireError.None, PacketEnvelope.TryOpen(datagram, options, scratch, out ReadOnlySpan<byte> payload));
            var visitor = new CollectingVisitor();
            Assert.Equal(WireError.None, MessageWalker.Walk(payload, ref visitor, out int truncated));
            Assert.Equal(0, truncated);
            foreach (byte[] message in visitor.Messages)
            {
                Assert.Equal(WireError.None, MemberlistCodec.TryDecodeMessage(message, out DecodedMessage decoded));
                ping ??= decoded.Body as Ping;
            }
        }
        Assert.Equal("overlay-1", ping.Node);
        Assert.Equal("go-peer", ping.SourceNode);
        byte[] ack = PacketEnvelope.Seal(MemberlistCodec.Encode(new AckResp(ping.SeqNo, null)), options, crc: true);
        udp.Send(ack, ack.Length, from);

        // A user message in a compound, with CRC: memberlist hands it to its delegate.
        byte[] user = [(byte)MessageType.User, .. "hello from overlay"u8];
        byte[] packet = PacketEnvelope.Seal(CompoundMessage.Encode([user, MemberlistCodec.Encode(new NackResp(1))]), options, crc: true);
        udp.Send(packet, packet.Length, peer.EndPoint);
        peer.WaitFor(e => PeerProcess.Is(e, "user") && e.GetProperty("data").GetString() == Convert.ToBase64String("hello from overlay"u8), Timeout, "memberlist to deliver our user message");

        Assert.False(peer.Sees(e => PeerProcess.Is(e, "update", "overlay-1") || PeerProcess.Is(e, "leave", "overlay-1"), TimeSpan.FromMilliseconds(300)));
    }

    [Theory]
    [InlineData(true, "")]
    [InlineData(false, "overlay-test")]
    [InlineData(true, "overlay-test")]
    public void A_wrong_key_or_label_gets_no_state_and_no_join(bool encrypt, string label)
    {
        byte[]? key = encrypt ? Enumerable.Range(1, 16).Select(i => (byte)i).ToArray() : null;
        using var peer = PeerProcess.Start("go-peer", key, label);
        var wrong = new GossipSecurityOptions
        {
            Keyring = encrypt ? Keyring.Create(Enumerable.Repeat((byte)7, 16).ToArray()) : null,
            Label = Encoding.UTF8.GetBytes(label.Length > 0 ? label + "-other" : ""),
        };
        WireError e = TryPushPull(peer, wrong, new PushNodeState("intruder", [127, 0, 0, 1], 9, null, 1, NodeStateKind.Alive, Vsn), out _);
        Assert.NotEqual(WireError.None, e);
        Assert.False(peer.Sees(ev => PeerProcess.Is(ev, "join", "intruder"), TimeSpan.FromMilliseconds(500)));
    }

    private static PushPullState PushPull(PeerProcess peer, GossipSecurityOptions options, PushNodeState self)
    {
        WireError e = TryPushPull(peer, options, self, out PushPullState? state);
        Assert.True(e == WireError.None, $"push/pull failed: {e}; memberlist-peer log:\n{peer.Log}");
        return state!;
    }

    private static WireError TryPushPull(PeerProcess peer, GossipSecurityOptions options, PushNodeState self, out PushPullState? state)
    {
        state = null;
        using var tcp = new TcpClient();
        tcp.Connect(peer.EndPoint);
        tcp.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        NetworkStream stream = tcp.GetStream();
        stream.Write(StreamEnvelope.LabelPrefix(options));
        stream.Write(StreamEnvelope.Seal(StreamCodec.EncodePushPull(true, [self], default), options));

        var buffered = new List<byte>();
        var chunk = new byte[4096];
        while (true)
        {
            int n;
            try
            {
                n = stream.Read(chunk);
            }
            catch (IOException)
            {
                n = 0;
            }
            if (n == 0)
            {
                return WireError.Truncated; // closed before a whole message
            }
            buffered.AddRange(chunk.AsSpan(0, n));
            WireError e = StreamEnvelope.TryOpen(buffered.ToArray(), options, StreamLimits.Default, out _, out DecodedMessage message);
            if (e == WireError.Truncated)
            {
                continue;
            }
            if (e != WireError.None)
            {
                return e;
            }
            if (message.Body is ErrResp)
            {
                return WireError.UnexpectedType;
            }
            state = message.Body as PushPullState;
            return state is null ? WireError.UnexpectedType : WireError.None;
        }
    }
}
