using Overlay.Gossip.Messages;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Golden;

/// <summary>Every message body as memberlist's own encode() wrote it: decode to the expected record,
/// re-encode to the identical bytes.</summary>
[Collection(GoldenCollection.Name)]
public sealed class GoldenMessageTests(GoldenFiles golden)
{
    public static TheoryData<string> MessageNames()
    {
        var data = new TheoryData<string>();
        foreach ((string name, _) in GoldenValues.Messages())
        {
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Decodes_to_the_values_memberlist_encoded_and_re_encodes_byte_identical(string name)
    {
        object expected = GoldenValues.Messages().Single(m => m.Name == name).Message;
        byte[] bytes = golden[name];

        Assert.Equal(WireError.None, MemberlistCodec.TryDecodeMessage(bytes, out DecodedMessage decoded));
        MessageAssert.Equal(expected, decoded.Body);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(MessageAssert.Encode(decoded.Body)));
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(MessageAssert.Encode(expected)));
    }

    [Fact]
    public void Push_pull_header_and_node_states_match_memberlist()
    {
        AssertStreamValue(golden["push_pull_header"], new PushPullHeader(3, 17, true));
        AssertStreamValue(golden["push_node_state"], new PushNodeState("node-b", [127, 0, 0, 2], 7947, "m"u8.ToArray(), 5, NodeStateKind.Suspect, GoldenValues.Vsn));
        AssertStreamValue(golden["push_node_state_left"], new PushNodeState("node-d", [127, 0, 0, 4], 7949, null, 2, NodeStateKind.Left, GoldenValues.Vsn));
    }

    [Fact]
    public void User_packet_is_type_8_and_the_raw_bytes()
    {
        byte[] bytes = golden["user_packet"];
        Assert.Equal(WireError.None, MemberlistCodec.TryDecodeMessage(bytes, out DecodedMessage decoded));
        Assert.Equal(MessageType.User, decoded.Type);
        Assert.Equal("hello user message"u8.ToArray(), (byte[])decoded.Body);

        var buffer = new byte[64];
        Assert.True(MemberlistCodec.TryEncodeUser("hello user message"u8, buffer, out int written));
        Assert.Equal(bytes, buffer[..written]);
    }

    private static void AssertStreamValue(byte[] bytes, object expected)
    {
        Assert.Equal((byte)MessageType.PushPull, bytes[0]);
        var reader = new MsgPackReader(bytes.AsSpan(1));
        object? actual;
        var buffer = new byte[256];
        var writer = new MsgPackWriter(buffer);
        writer.WriteByte((byte)MessageType.PushPull);
        if (expected is PushPullHeader)
        {
            Assert.Equal(WireError.None, MemberlistCodec.TryRead(ref reader, out PushPullHeader? header));
            actual = header;
            MemberlistCodec.WriteBody(ref writer, header!);
        }
        else
        {
            Assert.Equal(WireError.None, MemberlistCodec.TryRead(ref reader, out PushNodeState? state));
            actual = state;
            MemberlistCodec.WriteBody(ref writer, state!);
        }
        Assert.Equal(bytes.Length - 1, reader.Position);
        MessageAssert.Equal(expected, actual!);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(buffer.AsSpan(0, writer.Position)));
    }
}
