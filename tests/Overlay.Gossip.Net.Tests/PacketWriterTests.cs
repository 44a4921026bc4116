using Overlay.Gossip.Messages;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net.Tests;

/// <summary>Records to payloads: one message as is, several as a compound, splitting at 255 parts or the
/// payload limit, skipping what can never fit; checked by reading back through the wire layer.</summary>
public sealed class PacketWriterTests
{
    private static List<object> ReadBack(ReadOnlySpan<byte> payload)
    {
        var visitor = new PacketReader(new TransportCounters(), new PeerFilter([]), new PeerVersions());
        Assert.Equal(WireError.None, MessageWalker.Walk(payload, ref visitor, out int truncated));
        Assert.Equal(0, truncated);
        return visitor.Messages ?? [];
    }

    [Fact]
    public void One_message_goes_alone_and_several_go_as_a_compound()
    {
        var writer = new PacketWriter(1400);
        int index = 0;
        Assert.Equal(WireError.None, writer.TryWriteNext([new Ping(7, "b", [127, 0, 0, 1], 7946, "a")], ref index, out ReadOnlySpan<byte> single));
        Assert.Equal((byte)MessageType.Ping, single[0]);
        Assert.Equal(7u, Assert.IsType<Ping>(Assert.Single(ReadBack(single))).SeqNo);

        object[] three = [new AckResp(1, null), new Suspect(2, "c", "a"), new UserMessage("hi"u8.ToArray())];
        index = 0;
        Assert.Equal(WireError.None, writer.TryWriteNext(three, ref index, out ReadOnlySpan<byte> compound));
        Assert.Equal(3, index);
        Assert.Equal((byte)MessageType.Compound, compound[0]);
        Assert.Equal(3, compound[1]);
        List<object> back = ReadBack(compound);
        Assert.Equal(3, back.Count);
        Assert.Equal(new Suspect(2, "c", "a"), back[1]);
        Assert.Equal("hi"u8.ToArray(), Assert.IsType<UserMessage>(back[2]).Payload);
        Assert.Equal(WireError.Empty, writer.TryWriteNext(three, ref index, out _));
    }

    [Fact]
    public void More_than_255_parts_or_bytes_than_fit_split_into_several_payloads()
    {
        var writer = new PacketWriter(60000);
        List<object> many = Enumerable.Range(0, 300).Select(i => (object)new NackResp((uint)i)).ToList();
        int index = 0;
        Assert.Equal(WireError.None, writer.TryWriteNext(many, ref index, out ReadOnlySpan<byte> first));
        Assert.Equal(255, index);
        Assert.Equal(255, ReadBack(first).Count);
        Assert.Equal(WireError.None, writer.TryWriteNext(many, ref index, out ReadOnlySpan<byte> second));
        Assert.Equal(300, index);
        Assert.Equal(44u, Assert.IsType<NackResp>(ReadBack(second)[^1]).SeqNo - 255);

        var small = new PacketWriter(1000);
        List<object> users = Enumerable.Range(0, 5).Select(i => (object)new UserMessage(new byte[300])).ToList();
        index = 0;
        int payloads = 0;
        int messages = 0;
        while (small.TryWriteNext(users, ref index, out ReadOnlySpan<byte> payload) == WireError.None)
        {
            Assert.True(payload.Length <= 1000);
            messages += ReadBack(payload).Count;
            payloads++;
        }
        Assert.Equal(5, messages);
        Assert.Equal(2, payloads); // 3 + 2: three 301-byte parts and a 8-byte header fill 911 of 1000
    }

    [Fact]
    public void A_message_that_can_never_fit_is_skipped()
    {
        var writer = new PacketWriter(1000);
        object[] list = [new UserMessage(new byte[5000]), new NackResp(3)];
        int index = 0;
        Assert.Equal(WireError.Unencodable, writer.TryWriteNext(list, ref index, out _));
        Assert.Equal(1, index);
        Assert.Equal(WireError.None, writer.TryWriteNext(list, ref index, out ReadOnlySpan<byte> rest));
        Assert.IsType<NackResp>(Assert.Single(ReadBack(rest)));
    }
}
