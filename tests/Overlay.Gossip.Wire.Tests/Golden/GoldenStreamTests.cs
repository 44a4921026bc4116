using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Golden;

/// <summary>Stream messages as memberlist's sendLocalState, sendUserMsg and rawSendMsgStream wrote
/// them: plain, encrypted (v1 and v0), compressed, compressed and encrypted.</summary>
[Collection(GoldenCollection.Name)]
public sealed class GoldenStreamTests(GoldenFiles golden)
{
    private static GossipSecurityOptions OptionsFor(string stream) => stream switch
    {
        "stream_enc_k16" => new GossipSecurityOptions { Keyring = Keyring.Create(GoldenValues.Key16) },
        "stream_enc_v0_k24" => new GossipSecurityOptions { Keyring = Keyring.Create(GoldenValues.Key24) },
        "stream_enc_compressed" => new GossipSecurityOptions { Keyring = Keyring.Create(GoldenValues.Key32) },
        _ => GossipSecurityOptions.None,
    };

    public static TheoryData<string> Streams() => new("stream", "stream_enc_k16", "stream_enc_v0_k24", "stream_compressed", "stream_enc_compressed");

    [Theory]
    [MemberData(nameof(Streams))]
    public void Push_pull_carries_memberlists_three_members_and_user_state(string stream)
    {
        byte[] bytes = golden[stream + "_pushpull"];
        Assert.Equal(WireError.None, StreamEnvelope.TryOpen(bytes, OptionsFor(stream), StreamLimits.Default, out int consumed, out DecodedMessage message));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(MessageType.PushPull, message.Type);
        var state = (PushPullState)message.Body;
        Assert.True(state.Header.Join);
        Assert.Equal(3, state.Header.Nodes);
        Assert.Equal("user-state:golden"u8.ToArray(), state.UserState);
        var byName = state.Nodes.ToDictionary(n => n.Name);
        // The v0 instance speaks protocol 1 (that is what selects encryption version 0): its PCur is 1.
        byte[] selfVsn = stream == "stream_enc_v0_k24" ? [1, 5, 1, 0, 0, 0] : GoldenValues.Vsn;
        MessageAssert.Equal(new PushNodeState("golden-a", [127, 0, 0, 1], 7946, "meta-golden-a"u8.ToArray(), 1, NodeStateKind.Alive, selfVsn), byName["golden-a"]);
        MessageAssert.Equal(new PushNodeState("golden-b", [127, 0, 0, 2], 7947, "meta-b"u8.ToArray(), 5, NodeStateKind.Alive, GoldenValues.Vsn), byName["golden-b"]);
        MessageAssert.Equal(new PushNodeState("golden-c", [127, 0, 0, 3], 7948, null, 2, NodeStateKind.Left, GoldenValues.Vsn), byName["golden-c"]);

        if (stream == "stream")
        {
            // memberlist's node order is random; re-encoding in the decoded order gives its bytes.
            Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(StreamCodec.EncodePushPull(true, state.Nodes, state.UserState)));
        }
        if (stream == "stream_compressed")
        {
            byte[] plain = StreamCodec.EncodePushPull(true, state.Nodes, state.UserState);
            Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(StreamEnvelope.Seal(plain, GossipSecurityOptions.None, compress: true)));
        }
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void User_message_and_ping_decode(string stream)
    {
        GossipSecurityOptions options = OptionsFor(stream);
        byte[] user = golden[stream + "_user"];
        Assert.Equal(WireError.None, StreamEnvelope.TryOpen(user, options, StreamLimits.Default, out int consumed, out DecodedMessage message));
        Assert.Equal(user.Length, consumed);
        Assert.Equal(MessageType.User, message.Type);
        Assert.Equal("reliable user message"u8.ToArray(), (byte[])message.Body);

        byte[] ping = golden[stream + "_ping"];
        Assert.Equal(WireError.None, StreamEnvelope.TryOpen(ping, options, StreamLimits.Default, out consumed, out message));
        Assert.Equal(ping.Length, consumed);
        MessageAssert.Equal(new Ping(77, "golden-b", [127, 0, 0, 1], 7946, "golden-a"), message.Body);

        if (stream == "stream")
        {
            Assert.Equal(user, StreamCodec.EncodeUserMessage("reliable user message"u8));
            Assert.Equal(ping, MemberlistCodec.Encode((Ping)message.Body));
        }
    }

    [Fact]
    public void Encrypted_stream_refuses_a_wrong_key_a_missing_keyring_and_a_foreign_label()
    {
        byte[] bytes = golden["stream_enc_k16_pushpull"];
        var wrong = new GossipSecurityOptions { Keyring = Keyring.Create(GoldenValues.Key32) };
        Assert.Equal(WireError.DecryptFailed, StreamEnvelope.TryOpen(bytes, wrong, StreamLimits.Default, out _, out _));
        Assert.Equal(WireError.EncryptionNotConfigured, StreamEnvelope.TryOpen(bytes, GossipSecurityOptions.None, StreamLimits.Default, out _, out _));
        var labelled = OptionsFor("stream_enc_k16") with { Label = "x"u8.ToArray() };
        Assert.Equal(WireError.DecryptFailed, StreamEnvelope.TryOpen(bytes, labelled, StreamLimits.Default, out _, out _));

        byte[] plain = golden["stream_pushpull"];
        Assert.Equal(WireError.NotEncrypted, StreamEnvelope.TryOpen(plain, OptionsFor("stream_enc_k16"), StreamLimits.Default, out _, out _));
        var lenient = OptionsFor("stream_enc_k16") with { VerifyIncoming = false };
        Assert.Equal(WireError.None, StreamEnvelope.TryOpen(plain, lenient, StreamLimits.Default, out _, out _));
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void Every_prefix_of_a_stream_message_asks_for_more(string stream)
    {
        byte[] bytes = golden[stream + "_pushpull"];
        GossipSecurityOptions options = OptionsFor(stream);
        for (int length = 0; length < bytes.Length; length++)
        {
            WireError e = StreamEnvelope.TryOpen(bytes.AsSpan(0, length), options, StreamLimits.Default, out int consumed, out _);
            Assert.Equal(0, consumed);
            Assert.Equal(WireError.Truncated, e); // compressed bodies too: a cut msgpack raw
        }
    }
}
