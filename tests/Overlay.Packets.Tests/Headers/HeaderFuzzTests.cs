using Overlay.Packets.Tests.Support;

namespace Overlay.Packets.Tests.Headers;

/// <summary>Every TryParse must return false, never throw, on any input; and once it returns true, no
/// getter or checksum helper may throw either. Fixed seeds keep failures reproducible.</summary>
public sealed class HeaderFuzzTests
{
    private const int Iterations = 100_000;

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(20240601);
        byte[] buffer = new byte[256];
        int parsed = 0;
        for (int i = 0; i < Iterations; i++)
        {
            random.NextBytes(buffer);
            int length = random.Next(0, buffer.Length + 1);
            // Nudge some inputs past the first checks so deeper paths see random bytes too.
            if (length > 20 && random.Next(2) == 0) buffer[0] = (byte)(random.Next(2) == 0 ? 0x45 : 0x60);
            if (length > 14 && random.Next(4) == 0) buffer[12] = 0x81;
            parsed += ParseEverything(buffer.AsSpan(0, length));
            PacketWalker.WalkFrame(buffer.AsSpan(0, length));
        }
        Assert.True(parsed > Iterations, $"only {parsed} successful parses: the fuzz is not reaching the views");
    }

    [Fact]
    public void Truncated_and_mutated_valid_packets_never_throw()
    {
        var random = new Random(7348);
        byte[][] samples = SamplePackets.All();
        int walkedDeep = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] frame = (byte[])samples[random.Next(samples.Length)].Clone();
            int flips = random.Next(0, 4);
            for (int f = 0; f < flips; f++)
            {
                frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
            }
            int length = random.Next(0, frame.Length + 1);
            Span<byte> cut = frame.AsSpan(0, length);

            if (PacketWalker.WalkFrame(cut) > 8) walkedDeep++;
            int start = length == 0 ? 0 : random.Next(0, length);
            ParseEverything(cut.Slice(start));
        }
        Assert.True(walkedDeep > Iterations / 2, $"only {walkedDeep} frames parsed past Ethernet");
    }

    [Fact]
    public void Every_truncation_of_every_sample_walks_without_throwing()
    {
        foreach (byte[] sample in SamplePackets.All())
        {
            for (int length = 0; length <= sample.Length; length++)
            {
                for (int start = 0; start <= length; start++)
                {
                    ParseEverything(sample.AsSpan(start, length - start));
                }
                PacketWalker.WalkFrame(sample.AsSpan(0, length));
            }
        }
    }

    /// <summary>Feeds the bytes to every view, reads each successful view's length-dependent spans and
    /// checksum helpers, and returns how many views accepted the bytes.</summary>
    private static int ParseEverything(Span<byte> bytes)
    {
        int ok = 0;
        long sink = 0;
        if (EthernetView.TryParse(bytes, out var eth)) { ok++; sink += eth.Payload.Length + eth.EtherType; }
        if (ArpView.TryParse(bytes, out var arp)) { ok++; sink += arp.Payload.Length + arp.TargetIp; }
        if (Ipv4View.TryParse(bytes, out var ip4)) { ok++; sink += ip4.Payload.Length + ip4.Options.Length + ip4.ComputeHeaderChecksum(); }
        if (Ipv6View.TryParse(bytes, out var ip6)) { ok++; sink += ip6.Payload.Length + (ip6.TryFindTransport(out _, out int at) ? at : 0); }
        if (UdpView.TryParse(bytes, out var udp)) { ok++; sink += udp.Payload.Length + udp.ComputeChecksumV4(1, 2); }
        if (TcpView.TryParse(bytes, out var tcp)) { ok++; sink += tcp.Payload.Length + tcp.Options.Length + tcp.ComputeChecksumV4(1, 2); }
        if (IcmpView.TryParse(bytes, out var icmp)) { ok++; sink += icmp.Payload.Length + icmp.ComputeChecksum(); }
        if (Icmpv6View.TryParse(bytes, out var icmp6)) { ok++; sink += icmp6.Payload.Length + icmp6.RestOfHeader; }
        if (VxlanView.TryParse(bytes, out var vxlan)) { ok++; sink += vxlan.Payload.Length + vxlan.Vni; }
        Assert.True(sink >= 0);
        return ok;
    }
}
