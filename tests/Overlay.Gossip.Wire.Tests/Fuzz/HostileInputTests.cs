using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Fuzz;

/// <summary>Input from the network never throws: random bytes, every truncation, mutations, wrong
/// labels and keys, oversized lengths and nesting bombs all come back as <see cref="WireError"/> values.</summary>
public sealed class HostileInputTests
{
    private static readonly byte[] KeyA = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
    private static readonly GossipSecurityOptions Plain = GossipSecurityOptions.None;
    private static readonly GossipSecurityOptions Labelled = new() { Label = "lab"u8.ToArray() };
    private static readonly GossipSecurityOptions Encrypted = new() { Keyring = Keyring.Create(KeyA), Label = "lab"u8.ToArray() };
    private static readonly StreamLimits SmallLimits = new(1 << 16, 64, 1 << 16);

    [Fact]
    public void Hundred_thousand_seeded_inputs_decode_to_values()
    {
        var random = new Random(20240601);
        List<byte[]> corpus = Corpus();
        int decoded = 0;
        for (int i = 0; i < 100_000; i++)
        {
            byte[] input = (i % 4) switch
            {
                0 => RandomBytes(random, random.Next(0, 200)),
                1 => Mutate(random, corpus[random.Next(corpus.Count)]),
                2 => Splice(random, corpus),
                _ => [(byte)random.Next(0, 15), .. RandomBytes(random, random.Next(0, 64))],
            };
            decoded += Exercise(input, withKeys: i % 16 == 0);
        }
        Assert.True(decoded > 1000, $"only {decoded} inputs decoded: the mutations are too destructive to reach deep code");
    }

    [Fact]
    public void Every_truncation_of_every_corpus_entry_decodes_to_a_value()
    {
        foreach (byte[] entry in Corpus())
        {
            for (int length = 0; length <= entry.Length; length++)
            {
                Exercise(entry[..length], withKeys: true);
            }
        }
    }

    [Fact]
    public void Wrong_label_and_wrong_key_are_refused()
    {
        byte[] payload = MemberlistCodec.Encode(new NackResp(1));
        byte[] packet = PacketEnvelope.Seal(payload, Encrypted, crc: true);
        var scratch = new byte[packet.Length];
        Assert.Equal(WireError.None, PacketEnvelope.TryOpen(packet, Encrypted, scratch, out _));
        Assert.Equal(WireError.LabelMismatch, PacketEnvelope.TryOpen(packet, Encrypted with { Label = "lad"u8.ToArray() }, scratch, out _));
        Assert.Equal(WireError.LabelMismatch, PacketEnvelope.TryOpen(packet, Encrypted with { Label = default }, scratch, out _));
        var otherKey = Encrypted with { Keyring = Keyring.Create(Enumerable.Repeat((byte)9, 16).ToArray()) };
        Assert.Equal(WireError.DecryptFailed, PacketEnvelope.TryOpen(packet, otherKey, scratch, out _));
    }

    [Fact]
    public void Oversized_lengths_are_refused_without_allocating_them()
    {
        // str32 claiming 2 GiB, a map32 claiming 4 billion entries.
        Assert.Equal(WireError.Truncated, MemberlistCodec.TryDecode(Convert.FromHexString("81A44E6F6465DB7FFFFFFF41"), out Ping? _));
        Assert.Equal(WireError.TooLarge, MemberlistCodec.TryDecode(Convert.FromHexString("DFFFFFFFFF"), out Ping? _));
        // Push/pull claiming a billion nodes, or a billion bytes of user state; a user message of -1 bytes.
        Assert.Equal(WireError.TooLarge, StreamCodec.TryDecode(Concat(6, PushPullHeaderBytes(1_000_000_000, 0)), SmallLimits, out _, out _));
        Assert.Equal(WireError.TooLarge, StreamCodec.TryDecode(Concat(6, PushPullHeaderBytes(0, 1_000_000_000)), SmallLimits, out _, out _));
        Assert.Equal(WireError.BadMsgPack, StreamCodec.TryDecode(Concat(8, Convert.FromHexString("81AA557365724D73674C656EFF")), SmallLimits, out _, out _));
        // A compound whose every length is 65535 in a short packet: all parts truncated, none read.
        byte[] compound = [7, 255, .. Enumerable.Repeat((byte)0xFF, 510), 8, 1, 2];
        var visitor = new CollectingVisitor();
        Assert.Equal(WireError.None, MessageWalker.Walk(compound, ref visitor, out int truncated));
        Assert.Equal(255, truncated);
        Assert.Empty(visitor.Messages);
    }

    [Fact]
    public void Nesting_and_decompression_bombs_are_bounded()
    {
        // A compound of 255 compounds of 255 user messages: the inner level is refused per part.
        byte[] user = [8, 0];
        byte[] inner = CompoundMessage.Encode(Enumerable.Repeat<ReadOnlyMemory<byte>>(user, 255).ToArray());
        byte[] outer = CompoundMessage.Encode(Enumerable.Repeat<ReadOnlyMemory<byte>>(inner[..Math.Min(inner.Length, 600)], 100).ToArray());
        var visitor = new CollectingVisitor();
        Assert.Equal(WireError.None, MessageWalker.Walk(outer, ref visitor, out _));
        Assert.Empty(visitor.Messages);
        Assert.Equal(100, visitor.Dropped.Count);
        Assert.All(visitor.Dropped, e => Assert.Equal(WireError.NestingTooDeep, e));

        // 8 MB of zeros compresses to a few KB; a packet may not expand past its limit.
        byte[] bomb = CompressedMessage.Encode([8, .. new byte[8_000_000]]);
        Assert.True(bomb.Length < 100_000);
        visitor = new CollectingVisitor();
        Assert.Equal(WireError.TooLarge, MessageWalker.Walk(bomb, ref visitor, out _));
        Assert.Equal(WireError.TooLarge, StreamCodec.TryDecode(bomb, SmallLimits, out _, out _));

        // 1000 nested arrays in an unknown field.
        byte[] deep = [0x81, 0xA1, (byte)'X', .. Enumerable.Repeat((byte)0x91, 1000), 0x00];
        Assert.Equal(WireError.NestingTooDeep, MemberlistCodec.TryDecode(deep, out Ping? _));
    }

    /// <summary>Runs one input through every decoder; returns 1 if any of them accepted it.</summary>
    private static int Exercise(byte[] input, bool withKeys)
    {
        int ok = 0;
        ok |= Accept(MemberlistCodec.TryDecodeMessage(input, out _));
        var visitor = new DecodingVisitor();
        ok |= Accept(MessageWalker.Walk(input, ref visitor, out _, maxDecompressed: 1 << 16));
        var scratch = new byte[input.Length];
        ok |= Accept(PacketEnvelope.TryOpen(input, Plain, scratch, out _));
        ok |= Accept(PacketEnvelope.TryOpen(input, Labelled, scratch, out _));
        ok |= Accept(StreamCodec.TryDecode(input, SmallLimits, out int consumed, out _));
        Assert.InRange(consumed, 0, input.Length);
        ok |= Accept(StreamEnvelope.TryAcceptLabel(input, Labelled, out _));
        ok |= Accept(Lzw.TryDecompress(input, 1 << 16, out _));
        if (input.Length > 1)
        {
            var reader = new MsgPackReader(input);
            ok |= Accept(reader.TrySkip());
            ok |= Accept(CompressedMessage.TryDecompress(input.AsSpan(1), 1 << 16, out _));
        }
        if (withKeys)
        {
            ok |= Accept(PacketEnvelope.TryOpen(input, Encrypted, scratch, out _));
            ok |= Accept(StreamEnvelope.TryOpen(input, Encrypted, SmallLimits, out _, out _));
        }
        return ok;
    }

    private static int Accept(WireError e)
    {
        Assert.True(Enum.IsDefined(e), $"undefined WireError {(int)e}");
        return e == WireError.None ? 1 : 0;
    }

    private struct DecodingVisitor : IMessageVisitor
    {
        public void OnMessage(ReadOnlySpan<byte> message) => Accept(MemberlistCodec.TryDecodeMessage(message, out _));

        public readonly void OnDropped(WireError reason) => Accept(reason);
    }

    /// <summary>Valid encodings of everything: messages, envelopes, packets and streams.</summary>
    private static List<byte[]> Corpus()
    {
        byte[] vsn = [1, 5, 2, 0, 0, 0];
        var messages = new List<byte[]>
        {
            MemberlistCodec.Encode(new Ping(1, "node-b", [127, 0, 0, 1], 7946, "node-a")),
            MemberlistCodec.Encode(new IndirectPing(2, [127, 0, 0, 2], 7947, "node-c", true, [127, 0, 0, 1], 7946, "node-a")),
            MemberlistCodec.Encode(new AckResp(3, [1, 2, 3])),
            MemberlistCodec.Encode(new NackResp(4)),
            MemberlistCodec.Encode(new Suspect(5, "node-b", "node-a")),
            MemberlistCodec.Encode(new Alive(6, new string('n', 40), [127, 0, 0, 1], 7946, new byte[40], vsn)),
            MemberlistCodec.Encode(new Dead(7, "node-b", "node-b")),
            MemberlistCodec.Encode(new ErrResp("boom")),
            new byte[] { 8, 1, 2, 3 },
        };
        var corpus = new List<byte[]>(messages);
        byte[] compound = CompoundMessage.Encode(messages.Select(m => (ReadOnlyMemory<byte>)m).ToArray());
        corpus.Add(compound);
        corpus.Add(CompressedMessage.Encode(compound));
        corpus.Add(PacketEnvelope.Seal(compound, Plain, crc: true));
        corpus.Add(PacketEnvelope.Seal(compound, Labelled, crc: true));
        corpus.Add(PacketEnvelope.Seal(messages[0], Encrypted, crc: true));
        var nodes = new[] { new PushNodeState("a", [127, 0, 0, 1], 1, null, 1, NodeStateKind.Alive, vsn), new PushNodeState("b", [127, 0, 0, 2], 2, [1], 2, NodeStateKind.Dead, vsn) };
        byte[] pushPull = StreamCodec.EncodePushPull(true, nodes, "user"u8);
        corpus.Add(pushPull);
        corpus.Add(StreamCodec.EncodeUserMessage("hello"u8));
        corpus.Add(StreamEnvelope.Seal(pushPull, Plain, compress: true));
        corpus.Add(StreamEnvelope.Seal(pushPull, Encrypted, compress: true));
        corpus.Add([.. StreamEnvelope.LabelPrefix(Labelled), .. pushPull]);
        return corpus;
    }

    private static byte[] Mutate(Random random, byte[] source)
    {
        byte[] bytes = (byte[])source.Clone();
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && bytes.Length > 0; e++)
        {
            int at = random.Next(bytes.Length);
            switch (random.Next(4))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes = bytes[..at]; break;
                default: bytes = [.. bytes[..at], (byte)random.Next(256), .. bytes[at..]]; break;
            }
        }
        return bytes;
    }

    private static byte[] Splice(Random random, List<byte[]> corpus)
    {
        byte[] a = corpus[random.Next(corpus.Count)];
        byte[] b = corpus[random.Next(corpus.Count)];
        return [.. a[..random.Next(a.Length + 1)], .. b[random.Next(b.Length + 1)..]];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] PushPullHeaderBytes(int nodes, int userStateLen)
    {
        var buffer = new byte[64];
        var w = new MsgPackWriter(buffer);
        MemberlistCodec.WriteBody(ref w, new PushPullHeader(nodes, userStateLen, false));
        return buffer[..w.Position];
    }

    private static byte[] Concat(byte type, byte[] body) => [type, .. body];
}
