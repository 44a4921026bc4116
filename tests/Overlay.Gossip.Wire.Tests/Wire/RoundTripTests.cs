using Overlay.Gossip.Messages;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Wire;

public sealed class RoundTripTests
{
    public static TheoryData<int> Seeds() => new(1, 2, 3, 4, 5, 6, 7, 8);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_packet_message_round_trips(int seed)
    {
        var random = new Random(seed);
        foreach (object message in RandomMessages(random))
        {
            byte[] bytes = MessageAssert.Encode(message);
            Assert.Equal(WireError.None, MemberlistCodec.TryDecodeMessage(bytes, out DecodedMessage decoded));
            MessageAssert.Equal(Normalise(message), decoded.Body);
            Assert.Equal(bytes, MessageAssert.Encode(decoded.Body));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Push_pull_round_trips_with_user_state(int seed)
    {
        var random = new Random(seed);
        var nodes = new List<PushNodeState>();
        for (int i = 0; i < random.Next(0, 40); i++)
        {
            nodes.Add(new PushNodeState(RandomName(random), RandomBytes(random, 4), (ushort)random.Next(65536), random.Next(3) == 0 ? null : RandomBytes(random, random.Next(0, 600)),
                (uint)random.NextInt64(0, uint.MaxValue + 1L), (NodeStateKind)random.Next(4), [1, 5, 2, 0, 0, 0]));
        }
        byte[] user = RandomBytes(random, random.Next(0, 3) == 0 ? 0 : random.Next(1, 70000));
        byte[] bytes = StreamCodec.EncodePushPull(seed % 2 == 0, nodes, user);

        Assert.Equal(WireError.None, StreamCodec.TryDecode(bytes, StreamLimits.Default, out int consumed, out DecodedMessage decoded));
        Assert.Equal(bytes.Length, consumed);
        var state = (PushPullState)decoded.Body;
        Assert.Equal(seed % 2 == 0, state.Header.Join);
        Assert.Equal(nodes.Count, state.Nodes.Count);
        for (int i = 0; i < nodes.Count; i++)
        {
            MessageAssert.Equal(nodes[i], state.Nodes[i]);
        }
        Assert.Equal(user.Length == 0 ? null : user, state.UserState);
    }

    [Fact]
    public void Integers_take_go_msgpacks_smallest_form()
    {
        (ulong Value, string Hex)[] cases =
        [
            (0, "00"), (127, "7F"), (128, "CC80"), (255, "CCFF"), (256, "CD0100"), (65535, "CDFFFF"),
            (65536, "CE00010000"), (uint.MaxValue, "CEFFFFFFFF"), (1UL << 32, "CF0000000100000000"),
        ];
        foreach ((ulong value, string hex) in cases)
        {
            var buffer = new byte[9];
            var w = new MsgPackWriter(buffer);
            w.WriteUInt(value);
            Assert.Equal(hex, Convert.ToHexString(buffer, 0, w.Position));
            var r = new MsgPackReader(buffer.AsSpan(0, w.Position));
            Assert.Equal(WireError.None, r.TryReadUInt(ulong.MaxValue, out ulong back));
            Assert.Equal(value, back);
        }
        (long Value, string Hex)[] negatives = [(-1, "FF"), (-32, "E0"), (-33, "D0DF"), (-129, "D1FF7F"), (-32769, "D2FFFF7FFF"), (long.MinValue, "D38000000000000000")];
        foreach ((long value, string hex) in negatives)
        {
            var buffer = new byte[9];
            var w = new MsgPackWriter(buffer);
            w.WriteInt(value);
            Assert.Equal(hex, Convert.ToHexString(buffer, 0, w.Position));
            var r = new MsgPackReader(buffer.AsSpan(0, w.Position));
            Assert.Equal(WireError.None, r.TryReadInt64(out long back));
            Assert.Equal(value, back);
        }
    }

    [Fact]
    public void Strings_use_fixstr_then_str16_never_str8()
    {
        var buffer = new byte[100];
        var w = new MsgPackWriter(buffer);
        w.WriteString(new string('x', 31));
        Assert.Equal(0xBF, buffer[0]);
        w = new MsgPackWriter(buffer);
        w.WriteString(new string('x', 32));
        Assert.Equal("DA0020", Convert.ToHexString(buffer, 0, 3));
    }

    [Fact]
    public void Decoder_accepts_what_go_msgpack_accepts()
    {
        // Keys in any order, an unknown key with a nested value, str8 and bin encodings, nil for an int:
        // {"Zzz":[1,{"a":2}], "SeqNo":nil, "Node":str8"n", "SourceAddr":bin8[1,2,3,4], "SourcePort":0xCD1F0A}
        byte[] body = Convert.FromHexString(
            "85" + "A35A7A7A" + "9201" + "81A16102" +
            "A55365714E6F" + "C0" +
            "A44E6F6465" + "D9016E" +
            "AA536F7572636541646472" + "C40401020304" +
            "AA536F75726365506F7274" + "CD1F0A");
        Assert.Equal(WireError.None, MemberlistCodec.TryDecode(body, out Ping? ping));
        MessageAssert.Equal(new Ping(0, "n", [1, 2, 3, 4], 7946, null), ping!);

        // The array form (fields in Go declaration order): [SeqNo, Node, SourceAddr, SourcePort, SourceNode].
        byte[] array = Convert.FromHexString("95" + "05" + "A161" + "C0" + "00" + "A162");
        Assert.Equal(WireError.None, MemberlistCodec.TryDecode(array, out ping));
        MessageAssert.Equal(new Ping(5, "a", null, 0, "b"), ping!);

        // Vsn as an array of integers.
        byte[] alive = Convert.FromHexString("81" + "A356736E" + "96010502000000");
        Assert.Equal(WireError.None, MemberlistCodec.TryDecode(alive, out Alive? a));
        Assert.Equal(new byte[] { 1, 5, 2, 0, 0, 0 }, a!.Vsn);
    }

    [Fact]
    public void Integers_that_do_not_fit_their_field_are_bad_msgpack()
    {
        // SeqNo = 2^32 (uint32 field), Port = 65536, SeqNo = -1.
        Assert.Equal(WireError.BadMsgPack, MemberlistCodec.TryDecode(Convert.FromHexString("81A55365714E6FCF0000000100000000"), out Ping? _));
        Assert.Equal(WireError.BadMsgPack, MemberlistCodec.TryDecode(Convert.FromHexString("81AA536F75726365506F7274CE00010000"), out Ping? _));
        Assert.Equal(WireError.BadMsgPack, MemberlistCodec.TryDecode(Convert.FromHexString("81A55365714E6FFF"), out Ping? _));
        Assert.Equal(WireError.BadMsgPack, MemberlistCodec.TryDecode(Convert.FromHexString("81A44E61636BCC01"), out IndirectPing? _));
    }

    private static object Normalise(object message) => message switch
    {
        // Empty optional fields are omitted on the wire and come back as null.
        Ping p => p with { SourceAddr = p.SourceAddr is { Length: > 0 } ? p.SourceAddr : null, SourceNode = string.IsNullOrEmpty(p.SourceNode) ? null : p.SourceNode },
        IndirectPing p => p with { SourceAddr = p.SourceAddr is { Length: > 0 } ? p.SourceAddr : null, SourceNode = string.IsNullOrEmpty(p.SourceNode) ? null : p.SourceNode },
        _ => message,
    };

    private static IEnumerable<object> RandomMessages(Random random)
    {
        for (int i = 0; i < 50; i++)
        {
            uint u32 = (uint)random.NextInt64(0, uint.MaxValue + 1L) >> random.Next(32);
            ushort port = (ushort)(random.Next(65536) >> random.Next(16));
            yield return new Ping(u32, RandomName(random), random.Next(2) == 0 ? null : RandomBytes(random, 4), port, random.Next(2) == 0 ? null : RandomName(random));
            yield return new IndirectPing(u32, RandomBytes(random, 16), port, RandomName(random), random.Next(2) == 0, RandomBytes(random, random.Next(0, 2) * 4), port, RandomName(random));
            yield return new AckResp(u32, random.Next(3) == 0 ? null : RandomBytes(random, random.Next(0, 300)));
            yield return new NackResp(u32);
            yield return new Suspect(u32, RandomName(random), RandomName(random));
            yield return new Alive(u32, RandomName(random), RandomBytes(random, 4), port, random.Next(2) == 0 ? null : RandomBytes(random, random.Next(0, 512)), [1, 5, 2, 0, 0, 0]);
            yield return new Dead(u32, RandomName(random), RandomName(random));
            yield return new ErrResp(RandomName(random));
        }
    }

    private static string RandomName(Random random)
    {
        int length = random.Next(4) switch { 0 => 0, 1 => random.Next(1, 32), 2 => random.Next(32, 300), _ => random.Next(1, 70000) };
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = i % 17 == 5 ? 'é' : (char)random.Next('a', 'z' + 1);
        }
        return new string(chars);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
