using System.Net;
using System.Net.Sockets;
using System.Text;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;
using Xunit.Abstractions;

namespace Overlay.Gossip.Net.Tests;

/// <summary>Garbage, forgeries, replays and slow streams thrown at a live node's port: each is dropped and
/// counted, nothing escapes a socket thread, memory stays bounded, and the cluster stays healthy.</summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const string Label = "overlay-prod";
    private static readonly byte[] Key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(1);
    private const int MaxInboundStreams = 4;

    private static UdpTcpTransportOptions Options(bool encrypted) =>
        (encrypted ? TestNode.Loopback(Label, Key) : TestNode.Loopback()) with
        {
            StreamTimeout = StreamTimeout,
            MaxInboundStreams = MaxInboundStreams,
            MaxStreamMessageBytes = 64 * 1024,
        };

    private static GossipSecurityOptions Security(bool encrypted, byte[]? key = null, string label = Label) => encrypted
        ? new GossipSecurityOptions { Label = Encoding.UTF8.GetBytes(label), Keyring = Keyring.Create(key ?? Key) }
        : GossipSecurityOptions.None;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Hostile_packets_are_dropped_and_counted(bool encrypted)
    {
        await using TestCluster cluster = await TestCluster.StartAsync(3, _ => Options(encrypted));
        TestNode target = cluster[0];
        TransportCounters counters = target.Transport.Counters;
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint port = target.Transport.BoundEndPoint;
        var random = new Random(1234);
        long received = counters.PacketsReceived;

        // Random bytes, every message type byte up front, empty datagrams. Paced, so the kernel drops none.
        const int Junk = 500;
        for (int i = 0; i < Junk; i++)
        {
            byte[] junk = new byte[random.Next(0, 1500)];
            random.NextBytes(junk);
            if (junk.Length > 0)
            {
                junk[0] = (byte)(i % 16);
            }
            // With a label, half of it wears ours, so it gets as far as decryption.
            attacker.SendTo(encrypted && i % 2 == 0 ? [.. StreamEnvelope.LabelPrefix(Security(true)), .. junk] : junk, port);
            if (i % 50 == 49)
            {
                await Task.Delay(10);
            }
        }
        await Eventually.HoldsAsync(() => counters.PacketsReceived - received >= Junk, TimeSpan.FromSeconds(5), counters.ToString);
        Assert.True(counters.TotalDropped >= Junk / 2, counters.ToString());

        // Then one of each kind, each counted under its own reason.
        GossipSecurityOptions ours = Security(encrypted);
        byte[] real = PacketEnvelope.Seal(MemberlistCodec.Encode(new Suspect(1, "node-1", "mallory")), ours, crc: true);
        await ExpectDropAsync(real.AsSpan(0, real.Length / 2).ToArray(), encrypted ? TransportDropReason.DecryptFailed : TransportDropReason.BadCrc);
        await ExpectDropAsync(PacketEnvelope.Seal([(byte)MessageType.HasCrc, 1, 2, 3, 4, .. MemberlistCodec.Encode(new NackResp(9))], ours, crc: false),
            TransportDropReason.BadCrc);
        await ExpectDropAsync(PacketEnvelope.Seal([(byte)MessageType.Compound, 2, 0, 9, 0, 9, .. MemberlistCodec.Encode(new NackResp(9))], ours, crc: false),
            TransportDropReason.Truncated);
        await ExpectDropAsync(PacketEnvelope.Seal(CompressedMessage.Encode(CompressedMessage.Encode(MemberlistCodec.Encode(new NackResp(1)))), ours, crc: false),
            TransportDropReason.NestingTooDeep);
        await ExpectDropAsync(PacketEnvelope.Seal([(byte)MessageType.Compound, 1, 0, 2, (byte)MessageType.Compound, 0], ours, crc: false),
            TransportDropReason.NestingTooDeep);
        await ExpectDropAsync(PacketEnvelope.Seal([200, 1, 2], ours, crc: false), TransportDropReason.UnknownType);
        await ExpectDropAsync(PacketEnvelope.Seal([(byte)MessageType.PushPull, 0x80], ours, crc: false), TransportDropReason.UnexpectedType);
        await ExpectDropAsync(PacketEnvelope.Seal([(byte)MessageType.Ping, 0xC1], ours, crc: false), TransportDropReason.Malformed);
        await ExpectDropAsync(PacketEnvelope.Seal(MemberlistCodec.Encode(new Alive(1, "ghost", [1, 2], 1, null, [1, 5, 2, 0, 0, 0])), ours, crc: false),
            TransportDropReason.BadAddress);
        if (encrypted)
        {
            byte[] nack = MemberlistCodec.Encode(new NackResp(1));
            await ExpectDropAsync(PacketEnvelope.Seal(nack, Security(true, key: new byte[16]), crc: false), TransportDropReason.DecryptFailed);
            await ExpectDropAsync(PacketEnvelope.Seal(nack, Security(true, label: "other"), crc: false), TransportDropReason.LabelMismatch);
            await ExpectDropAsync([(byte)MessageType.HasLabel, 12, .. Encoding.UTF8.GetBytes(Label), .. nack], TransportDropReason.UnsupportedEncryptionVersion);
            await ExpectDropAsync([(byte)MessageType.HasLabel, 12, .. Encoding.UTF8.GetBytes(Label), 1, .. new byte[40]], TransportDropReason.DecryptFailed);
            await ExpectDropAsync([(byte)MessageType.HasLabel, 0, 1], TransportDropReason.BadLabel);
            // A genuine packet (a harmless nack) replayed: the first copy is taken, the second is not.
            byte[] genuine = PacketEnvelope.Seal(MemberlistCodec.Encode(new NackResp(77)), ours, crc: true);
            attacker.SendTo(genuine, port);
            await ExpectDropAsync(genuine, TransportDropReason.Replayed);
            Assert.Equal(1, counters.Dropped(TransportDropReason.Replayed));
        }
        output.WriteLine(counters.ToString());

        async Task ExpectDropAsync(byte[] packet, TransportDropReason reason)
        {
            long n = counters.Dropped(reason);
            attacker.SendTo(packet, port);
            await Eventually.HoldsAsync(() => counters.Dropped(reason) > n, TimeSpan.FromSeconds(2),
                () => $"no {reason} for {Convert.ToHexString(packet.AsSpan(0, Math.Min(24, packet.Length)))}: {counters}");
        }

        Assert.Equal(0, counters.Dropped(TransportDropReason.Internal));
        Assert.Empty(target.Errors);
        Assert.Equal(0, target.Runner.Errors);
        await AssertHealthyAsync(cluster);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Hostile_streams_are_cut_off_and_counted(bool encrypted)
    {
        await using TestCluster cluster = await TestCluster.StartAsync(3, _ => Options(encrypted));
        TestNode target = cluster[0];
        TransportCounters counters = target.Transport.Counters;
        IPEndPoint port = target.Transport.BoundEndPoint;
        byte[] prefix = StreamEnvelope.LabelPrefix(Security(encrypted));
        byte[] pushPull = StreamEnvelope.Seal(StreamCodec.EncodePushPull(true, [], "x"u8), Security(encrypted));
        byte[] trickle = [.. prefix, .. pushPull];

        // Slowloris: a genuine message a byte at a time, never whole in time. More of them than the inbound cap.
        var slow = new List<Socket>();
        for (int i = 0; i < MaxInboundStreams + 3; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await s.ConnectAsync(port);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Over the cap: refused with a reset as soon as it was accepted.
            }
            slow.Add(s);
        }
        for (int round = 0; round < 6; round++)
        {
            foreach (Socket s in slow)
            {
                try
                {
                    s.Send(trickle.AsSpan(round, 1));
                }
                catch (Exception e) when (e is SocketException or InvalidOperationException)
                {
                    // Already cut off (or never connected).
                }
            }
            await Task.Delay(StreamTimeout / 4);
        }
        await Eventually.HoldsAsync(() => counters.Dropped(TransportDropReason.StreamTimeout) >= MaxInboundStreams,
            StreamTimeout * 4, () => counters.ToString());
        Assert.True(counters.Dropped(TransportDropReason.TooManyStreams) >= 3, counters.ToString());
        foreach (Socket s in slow)
        {
            // The server has closed every one of them.
            if (s.Connected)
            {
                s.ReceiveTimeout = 2000;
                try
                {
                    Assert.Equal(0, s.Receive(new byte[16]));
                }
                catch (SocketException e)
                {
                    Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
                }
            }
            s.Dispose();
        }

        // A stream that announces more than the limit, and one of garbage, and one closed half way.
        long tooLarge = counters.Dropped(TransportDropReason.TooLarge);
        byte[] huge = encrypted
            ? [.. prefix, (byte)MessageType.Encrypt, 0x10, 0, 0, 0]
            : [(byte)MessageType.User, 0x81, 0xAA, .. "UserMsgLen"u8, 0xCE, 0x10, 0, 0, 0];
        await SendStreamAsync(port, huge);
        var junk = new byte[3000];
        new Random(5).NextBytes(junk);
        junk[0] = 0x55;
        await SendStreamAsync(port, [.. prefix, .. junk]);
        await SendStreamAsync(port, [.. prefix, .. pushPull.AsSpan(0, pushPull.Length - 3)]);
        await Eventually.HoldsAsync(() => counters.Dropped(TransportDropReason.TooLarge) > tooLarge
                && counters.Dropped(TransportDropReason.Truncated) > 0,
            TimeSpan.FromSeconds(3), () => counters.ToString());

        output.WriteLine(counters.ToString());
        Assert.Equal(0, counters.Dropped(TransportDropReason.Internal));
        Assert.Empty(target.Errors);
        await AssertHealthyAsync(cluster);
    }

    private static async Task SendStreamAsync(IPEndPoint port, byte[] data)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(port);
        s.ReceiveTimeout = 3000;
        try
        {
            // The server may cut us off before it has read everything: a reset is an answer too.
            await s.SendAsync(data);
            s.Shutdown(SocketShutdown.Send);
            while (s.Receive(new byte[256]) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    private static async Task AssertHealthyAsync(TestCluster cluster)
    {
        await cluster.ConvergedAsync(TimeSpan.FromSeconds(1));
        byte[] payload = "still here"u8.ToArray();
        await cluster[1].BroadcastAsync(payload);
        await Eventually.HoldsAsync(() => cluster[0].Delegate.Received(payload) && cluster[2].Delegate.Received(payload),
            TimeSpan.FromSeconds(5), () => "broadcast not delivered after the attack");
        foreach (TestNode node in cluster.Nodes)
        {
            Assert.Empty(node.Delegate.Leaves);
            Assert.Equal(0, await node.Runner.InvokeAsync(n => n.Metrics.MembersSuspected));
        }
    }
}
