namespace Overlay.Packets.Tests.Headers;

public sealed class Icmpv6ViewTests
{
    private static readonly byte[] Source = Convert.FromHexString("fe800000000000000000000000000001");
    private static readonly byte[] Destination = Convert.FromHexString("ff020000000000000000000000000001");

    [Fact]
    public void Random_fields_round_trip()
    {
        var random = new Random(4443);
        byte[] message = new byte[32];
        for (int i = 0; i < 2000; i++)
        {
            var fields = new IcmpFields
            {
                Type = (byte)random.Next(256),
                Code = (byte)random.Next(256),
                Checksum = (ushort)random.Next(65536),
                RestOfHeader = (uint)random.NextInt64(0, 1L << 32),
            };
            Assert.Equal(8, Icmpv6View.Encode(message, fields));
            Assert.True(Icmpv6View.TryParse(message, out var icmp));
            Assert.Equal(fields, icmp.ToFields());
            Assert.Equal(fields.Type >= 128, icmp.IsInformational);
            Assert.Equal(24, icmp.Payload.Length);
        }
    }

    [Fact]
    public void Echo_accessors_read_identifier_and_sequence()
    {
        byte[] message = new byte[8];
        Icmpv6View.Encode(message, IcmpFields.Echo(Icmpv6View.TypeEchoRequest, 0xCAFE, 9));
        Assert.True(Icmpv6View.TryParse(message, out var icmp));
        Assert.True(icmp.IsEcho);
        Assert.Equal(0xCAFE, icmp.Identifier);
        Assert.Equal(9, icmp.SequenceNumber);
        icmp.SetIdentifier(1);
        icmp.SetSequenceNumber(2);
        icmp.SetType(Icmpv6View.TypePacketTooBig);
        icmp.SetCode(0);
        icmp.SetRestOfHeader(1280);
        icmp.SetChecksum(0xFFFF);
        Assert.Equal(new IcmpFields { Type = 2, Checksum = 0xFFFF, RestOfHeader = 1280 }, icmp.ToFields());
        Assert.False(icmp.IsEcho);
        Assert.False(icmp.IsInformational);
    }

    [Fact]
    public void Checksum_includes_the_pseudo_header()
    {
        var random = new Random(58);
        for (int i = 0; i < 500; i++)
        {
            byte[] message = new byte[8 + random.Next(0, 100)];
            random.NextBytes(message);
            Assert.True(Icmpv6View.TryParse(message, out var icmp));

            int n = message.Length;
            byte[] pseudo = [.. Source, .. Destination, (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n, 0, 0, 0, 58, .. message];
            pseudo[40 + 2] = pseudo[40 + 3] = 0;
            Assert.Equal(InternetChecksum.Compute(pseudo), icmp.ComputeChecksum(Source, Destination));

            icmp.UpdateChecksum(Source, Destination);
            Assert.True(icmp.IsChecksumValid(Source, Destination));
            Assert.False(icmp.IsChecksumValid(Source, Source));
        }
    }

    [Fact]
    public void Empty_and_every_truncation_fail()
    {
        byte[] message = new byte[8];
        for (int length = 0; length < 8; length++)
        {
            Assert.False(Icmpv6View.TryParse(message.AsSpan(0, length), out _));
        }
        Assert.True(Icmpv6View.TryParse(message, out _));
    }

    [Fact]
    public void Encode_rejects_a_short_destination() =>
        Assert.Throws<ArgumentException>(() => Icmpv6View.Encode(new byte[7], new IcmpFields()));
}
