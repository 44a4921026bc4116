using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire.Tests.Golden;

/// <summary>The values tests/interop/memberlist-peer/inject/zz_overlay_dump.go encodes. Keep the two in step.</summary>
internal static class GoldenValues
{
    public const string LongName = "a-node-name-that-is-longer-than-thirty-one-bytes.example";

    public static readonly byte[] Vsn = [1, 5, 2, 0, 0, 0];

    public static byte[] Key(int length, byte first)
    {
        var key = new byte[length];
        for (int i = 0; i < length; i++)
        {
            key[i] = (byte)(first + i);
        }
        return key;
    }

    public static byte[] Key16 => Key(16, 0x00);
    public static byte[] Key24 => Key(24, 0x40);
    public static byte[] Key32 => Key(32, 0x20);
    public static byte[] Key16Rotated => Key(16, 0x60);

    public static readonly byte[] Ipv6Fd001 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    public static readonly byte[] Ipv6Fd002 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

    /// <summary>Name -> the record memberlist encoded into it (after the type byte).</summary>
    public static IEnumerable<(string Name, object Message)> Messages()
    {
        yield return ("ping", new Ping(42, "node-b", [127, 0, 0, 1], 7946, "node-a"));
        yield return ("ping_minimal", new Ping(0, "", null, 0, null));
        yield return ("ping_wide", new Ping(uint.MaxValue, LongName, Ipv6Fd001, 65535, LongName));
        yield return ("indirect_ping", new IndirectPing(300, [127, 0, 0, 3], 7948, "node-c", true, [127, 0, 0, 1], 7946, "node-a"));
        yield return ("indirect_ping_old", new IndirectPing(70000, [127, 0, 0, 3], 256, "node-c", false, null, 0, null));
        yield return ("ack", new AckResp(128, "ack-payload"u8.ToArray()));
        yield return ("ack_nil_payload", new AckResp(255, null));
        yield return ("ack_empty_payload", new AckResp(256, []));
        yield return ("nack", new NackResp(65536));
        yield return ("suspect", new Suspect(7, "node-b", "node-a"));
        yield return ("alive", new Alive(3, "node-a", [127, 0, 0, 1], 7946, "role=web"u8.ToArray(), Vsn));
        yield return ("alive_nil_meta", new Alive(1, "node-a", [127, 0, 0, 1], 7946, null, Vsn));
        yield return ("alive_ipv6_long", new Alive(100000, LongName, Ipv6Fd002, 17946, Enumerable.Repeat((byte)0xAB, 300).ToArray(), Vsn));
        yield return ("dead", new Dead(9, "node-b", "node-a"));
        yield return ("dead_leave", new Dead(10, "node-a", "node-a"));
        yield return ("err", new ErrResp("Remote state is encrypted and encryption is not configured"));
    }
}
