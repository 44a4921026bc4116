using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Wire;
using Overlay.Packets;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Wire;

public sealed class EndpointCodecFuzzTests
{
    /// <summary>100,000 seeded inputs: random bytes, valid messages truncated, bit-flipped, spliced or extended.
    /// Decoding never throws, and whatever decodes re-encodes to a message that decodes to the same records.</summary>
    [Fact]
    public void Random_and_damaged_input_never_throws()
    {
        var random = new Random(20260101);
        DateTimeOffset now = Epoch;
        List<byte[]> seeds = [.. Enumerable.Range(0, 64).Select(i => Valid(random, now, table: i % 2 == 0))];
        int ok = 0;
        for (int i = 0; i < 100_000; i++)
        {
            byte[] input = Mutate(random, seeds[random.Next(seeds.Count)]);
            if (EndpointCodec.TryDecodeRecord(input, now, out EndpointRecord? record) == DecodeStatus.Ok)
            {
                ok++;
                Assert.Equal(DecodeStatus.Ok, EndpointCodec.TryDecodeRecord(EndpointCodec.EncodeRecord(record!, now), now, out EndpointRecord? again));
                Assert.True(record!.SameWrite(again!));
            }
            if (EndpointCodec.TryDecodeTable(input, now, out List<EndpointRecord>? records) == DecodeStatus.Ok)
            {
                ok++;
                Assert.Equal(DecodeStatus.Ok, EndpointCodec.TryDecodeTable(EndpointCodec.EncodeTable(records!, now), now, out List<EndpointRecord>? again));
                Assert.Equal(records!.Count, again!.Count);
            }
            NodeMetaCodec.TryDecode(input, out _);
        }
        Assert.InRange(ok, 1, 99_999); // some mutations stay valid (flips inside strings, addresses), most do not
    }

    private static byte[] Valid(Random random, DateTimeOffset now, bool table)
    {
        EndpointRecord One() => new(
            (uint)random.Next(1 << 24), "net" + random.Next(100), "e" + random.Next(1000), Mac(random.Next(1, 1000)),
            [.. Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(2) == 0 ? Ip(random.Next(1, 1000)) : IpAddr.Parse($"fd00::{random.Next(1, 9999):x}"))],
            Vtep("n" + random.Next(10)), "node" + random.Next(10), (ulong)random.NextInt64(), (ulong)random.Next(1, int.MaxValue),
            random.Next(3) == 0, now - TimeSpan.FromSeconds(random.Next(3600)));
        return table
            ? EndpointCodec.EncodeTable([.. Enumerable.Range(0, random.Next(5)).Select(_ => One())], now)
            : EndpointCodec.EncodeRecord(One(), now);
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        switch (random.Next(6))
        {
            case 0: // pure noise, sometimes behind a plausible header
                byte[] noise = new byte[random.Next(0, 300)];
                random.NextBytes(noise);
                if (noise.Length > 1 && random.Next(2) == 0)
                {
                    noise[0] = 1;
                    noise[1] = (byte)random.Next(1, 3);
                }
                return noise;
            case 1: // truncated
                return valid[..random.Next(valid.Length)];
            case 2: // bit flips
                byte[] flipped = [.. valid];
                for (int n = random.Next(1, 4); n > 0; n--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }
                return flipped;
            case 3: // a random byte overwritten with an extreme value
                byte[] extreme = [.. valid];
                extreme[random.Next(extreme.Length)] = random.Next(2) == 0 ? (byte)0xFF : (byte)0;
                return extreme;
            case 4: // extended with garbage
                byte[] tail = new byte[random.Next(1, 40)];
                random.NextBytes(tail);
                return [.. valid, .. tail];
            default: // two messages spliced
                int cut = random.Next(valid.Length);
                return [.. valid[..cut], .. valid[random.Next(valid.Length)..]];
        }
    }
}
