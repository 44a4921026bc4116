using Overlay.Gossip.Messages;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Wire;

public sealed class EnvelopeTests
{
    [Fact]
    public void Compound_reports_parts_cut_off_by_the_packet_end()
    {
        byte[] compound = CompoundMessage.Encode([new byte[] { 8, 1 }, new byte[] { 8, 2, 2 }, new byte[] { 8, 3 }]);
        byte[] cut = compound[..^2]; // the last part is missing a byte... and the one before is whole
        Assert.Equal(WireError.None, CompoundMessage.TryRead(cut.AsSpan(1), out CompoundReader reader));
        Assert.Equal(2, reader.Count);
        Assert.Equal(1, reader.Truncated);

        Assert.Equal(WireError.Truncated, CompoundMessage.TryRead(new byte[] { 3, 0, 1 }, out _));
        Assert.Equal(WireError.Truncated, CompoundMessage.TryRead([], out _));
    }

    [Fact]
    public void Compound_refuses_what_memberlist_would_wrap()
    {
        var many = new ReadOnlyMemory<byte>[256];
        Array.Fill(many, new byte[] { 8 });
        Assert.Equal(WireError.Unencodable, CompoundMessage.TryWrite(many, new byte[4096], out _));
        Assert.Equal(WireError.Unencodable, CompoundMessage.TryWrite([new byte[65536]], new byte[70000], out _));
        Assert.Equal(WireError.DestinationTooSmall, CompoundMessage.TryWrite([new byte[10]], new byte[5], out _));
    }

    [Fact]
    public void Walker_refuses_nested_compounds_and_nested_compression()
    {
        byte[] user = [(byte)MessageType.User, 1, 2, 3];
        byte[] inner = CompoundMessage.Encode([user]);
        byte[] outer = CompoundMessage.Encode([inner, user]);
        var visitor = new CollectingVisitor();
        Assert.Equal(WireError.None, MessageWalker.Walk(outer, ref visitor, out _));
        Assert.Equal([WireError.NestingTooDeep], visitor.Dropped);
        Assert.Single(visitor.Messages);

        byte[] twice = CompressedMessage.Encode(CompressedMessage.Encode(user));
        visitor = new CollectingVisitor();
        Assert.Equal(WireError.NestingTooDeep, MessageWalker.Walk(twice, ref visitor, out _));

        // compress(compound(user, user)) and compound(compress(user)) are both fine.
        visitor = new CollectingVisitor();
        Assert.Equal(WireError.None, MessageWalker.Walk(CompressedMessage.Encode(CompoundMessage.Encode([user, user])), ref visitor, out _));
        Assert.Equal(2, visitor.Messages.Count);
        visitor = new CollectingVisitor();
        Assert.Equal(WireError.None, MessageWalker.Walk(CompoundMessage.Encode([CompressedMessage.Encode(user)]), ref visitor, out _));
        Assert.Single(visitor.Messages);
    }

    [Fact]
    public void Label_header_follows_memberlists_rules()
    {
        byte[] packet = [(byte)MessageType.HasLabel, 3, (byte)'a', (byte)'b', (byte)'c', 8, 9];
        Assert.Equal(WireError.None, LabelHeader.TryAccept(packet, "abc"u8, false, out ReadOnlySpan<byte> rest));
        Assert.Equal(new byte[] { 8, 9 }, rest.ToArray());
        Assert.Equal(WireError.LabelMismatch, LabelHeader.TryAccept(packet, "abd"u8, false, out _));
        Assert.Equal(WireError.LabelMismatch, LabelHeader.TryAccept(packet, default, false, out _));
        Assert.Equal(WireError.LabelMismatch, LabelHeader.TryAccept([8, 9], "abc"u8, false, out _));
        Assert.Equal(WireError.None, LabelHeader.TryAccept([8, 9], "abc"u8, true, out _));
        Assert.Equal(WireError.LabelMismatch, LabelHeader.TryAccept(packet, "abc"u8, true, out _));
        Assert.Equal(WireError.BadLabel, LabelHeader.TryAccept([(byte)MessageType.HasLabel, 0, 8], default, false, out _));
        Assert.Equal(WireError.BadLabel, LabelHeader.TryAccept([(byte)MessageType.HasLabel, 5, 1], default, false, out _));
        Assert.Equal(WireError.BadLabel, LabelHeader.TryAccept([(byte)MessageType.HasLabel], default, false, out _));

        var buffer = new byte[300];
        Assert.True(LabelHeader.TryWrite("abc"u8, buffer, out int written));
        Assert.Equal(packet[..5], buffer[..written]);
        Assert.True(LabelHeader.TryWrite(default, buffer, out written));
        Assert.Equal(0, written);
        Assert.False(LabelHeader.TryWrite(new byte[256], buffer, out _));
    }

    [Fact]
    public void Lzw_round_trips_inputs_that_reset_the_table()
    {
        var random = new Random(7);
        foreach (int length in new[] { 1, 2, 3, 255, 256, 4096, 10000, 100000 })
        {
            var input = new byte[length];
            random.NextBytes(input);
            if (length % 2 == 0)
            {
                for (int i = 0; i < length; i++)
                {
                    input[i] = (byte)(input[i] & 0x03);
                }
            }
            byte[] compressed = Lzw.Compress(input);
            Assert.Equal(WireError.None, Lzw.TryDecompress(compressed, length + 1, out byte[] output));
            Assert.Equal(input, output);
        }
    }

    [Fact]
    public void Lzw_without_an_end_code_or_with_an_invalid_code_fails()
    {
        byte[] compressed = Lzw.Compress("hello hello hello"u8);
        Assert.Equal(WireError.BadCompression, Lzw.TryDecompress(compressed.AsSpan(0, compressed.Length - 2), 1000, out _));
        // Code 0x1FF (511) right after clear: beyond the table.
        Assert.Equal(WireError.BadCompression, Lzw.TryDecompress([0x00, 0xFF, 0x03, 0x00], 1000, out _));
    }
}
