using System.Buffers.Binary;

namespace Overlay.Packets.Tests.Headers;

public sealed class UdpViewTests
{
    private const uint Source = 0xC613_0001;
    private const uint Destination = 0xC613_00C7;
    private static readonly byte[] Source6 = Convert.FromHexString("20010db8000000000000000000000001");
    private static readonly byte[] Destination6 = Convert.FromHexString("20010db8000000000000000000000002");

    [Fact]
    public void Encode_writes_the_wire_layout()
    {
        byte[] header = new byte[8];
        Assert.Equal(8, UdpView.Encode(header, new UdpFields { SourcePort = 0x1234, DestinationPort = 4789, Length = 0x40, Checksum = 0xBEEF }));
        Assert.Equal("123412B50040BEEF", Convert.ToHexString(header));
    }

    [Fact]
    public void Random_fields_round_trip()
    {
        var random = new Random(768);
        byte[] datagram = new byte[300];
        for (int i = 0; i < 2000; i++)
        {
            var fields = new UdpFields
            {
                SourcePort = (ushort)random.Next(65536),
                DestinationPort = (ushort)random.Next(65536),
                Length = (ushort)random.Next(8, datagram.Length + 1),
                Checksum = (ushort)random.Next(65536),
            };
            UdpView.Encode(datagram, fields);
            Assert.True(UdpView.TryParse(datagram, out var udp));
            Assert.Equal(fields, udp.ToFields());
            Assert.Equal(fields.Length - 8, udp.Payload.Length);
            Assert.Equal(fields.Length, udp.Bytes.Length);
            Assert.Equal(fields.Checksum != 0, udp.HasChecksum);
        }
    }

    [Fact]
    public void Empty_and_every_truncation_fail()
    {
        byte[] datagram = new byte[8];
        UdpView.Encode(datagram, new UdpFields { Length = 8 });
        for (int length = 0; length < 8; length++)
        {
            Assert.False(UdpView.TryParse(datagram.AsSpan(0, length), out _));
        }
        Assert.True(UdpView.TryParse(datagram, out var udp));
        Assert.True(udp.Payload.IsEmpty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(21)]
    [InlineData(65535)]
    public void Length_below_eight_or_beyond_the_buffer_fails(int length)
    {
        byte[] datagram = new byte[20];
        UdpView.Encode(datagram, new UdpFields { Length = (ushort)length });
        Assert.False(UdpView.TryParse(datagram, out _));
    }

    [Fact]
    public void Length_trims_trailing_bytes()
    {
        byte[] datagram = new byte[20];
        UdpView.Encode(datagram, new UdpFields { Length = 12 });
        Assert.True(UdpView.TryParse(datagram, out var udp));
        Assert.Equal(4, udp.Payload.Length);
    }

    [Fact]
    public void Ipv4_checksum_matches_a_hand_built_pseudo_header_and_verifies()
    {
        var random = new Random(17);
        for (int i = 0; i < 500; i++)
        {
            byte[] datagram = RandomDatagram(random);
            Assert.True(UdpView.TryParse(datagram, out var udp));
            udp.SetChecksum((ushort)random.Next(65536)); // the field's old value must not matter

            byte[] pseudo = [.. Be32(Source), .. Be32(Destination), 0, 17, .. Be16(datagram.Length), .. datagram];
            pseudo[12 + 6] = pseudo[12 + 7] = 0;
            ushort expected = InternetChecksum.Compute(pseudo);
            Assert.Equal(expected == 0 ? 0xFFFF : expected, udp.ComputeChecksumV4(Source, Destination));

            udp.SetChecksum(udp.ComputeChecksumV4(Source, Destination));
            Assert.True(udp.IsChecksumValidV4(Source, Destination));
            Assert.False(udp.IsChecksumValidV4(Source + 1, Destination));
            datagram[^1] ^= 0x10;
            Assert.False(udp.IsChecksumValidV4(Source, Destination));
        }
    }

    [Fact]
    public void Ipv6_checksum_matches_a_hand_built_pseudo_header_and_verifies()
    {
        var random = new Random(8200);
        for (int i = 0; i < 500; i++)
        {
            byte[] datagram = RandomDatagram(random);
            Assert.True(UdpView.TryParse(datagram, out var udp));

            byte[] pseudo = [.. Source6, .. Destination6, .. Be32((uint)datagram.Length), 0, 0, 0, 17, .. datagram];
            pseudo[40 + 6] = pseudo[40 + 7] = 0;
            ushort expected = InternetChecksum.Compute(pseudo);
            Assert.Equal(expected == 0 ? 0xFFFF : expected, udp.ComputeChecksumV6(Source6, Destination6));

            udp.SetChecksum(udp.ComputeChecksumV6(Source6, Destination6));
            Assert.True(udp.IsChecksumValidV6(Source6, Destination6));
            Assert.False(udp.IsChecksumValidV6(Destination6, Destination6));
            datagram[0] ^= 0x01;
            Assert.False(udp.IsChecksumValidV6(Source6, Destination6));
        }
    }

    [Fact]
    public void A_computed_zero_is_sent_as_ffff_and_verifies()
    {
        byte[] datagram = new byte[8 + 2];
        UdpView.Encode(datagram, new UdpFields { SourcePort = 1000, DestinationPort = 2000, Length = 10 });
        Assert.True(UdpView.TryParse(datagram, out var udp));
        // Choose the last data word so the one's-complement sum is all ones: the true checksum is then 0.
        ushort partial = InternetChecksum.FoldToUInt16(InternetChecksum.Add(datagram, InternetChecksum.PseudoHeaderV4(Source, Destination, 17, 10)));
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(8), (ushort)~partial);

        Assert.Equal(0xFFFF, udp.ComputeChecksumV4(Source, Destination));
        udp.SetChecksum(0xFFFF);
        Assert.True(udp.IsChecksumValidV4(Source, Destination));
    }

    [Fact]
    public void Zero_checksum_means_none_over_ipv4_and_is_invalid_over_ipv6()
    {
        byte[] datagram = new byte[12];
        UdpView.Encode(datagram, new UdpFields { SourcePort = 1, DestinationPort = 2, Length = 12 });
        Assert.True(UdpView.TryParse(datagram, out var udp));
        Assert.False(udp.HasChecksum);
        Assert.True(udp.IsChecksumValidV4(Source, Destination));
        Assert.False(udp.IsChecksumValidV6(Source6, Destination6));
    }

    [Fact]
    public void Setters_write_in_place()
    {
        byte[] datagram = new byte[16];
        UdpView.Encode(datagram, new UdpFields { Length = 16 });
        Assert.True(UdpView.TryParse(datagram, out var udp));
        udp.SetSourcePort(53);
        udp.SetDestinationPort(4789);
        udp.SetLength(12);
        udp.SetChecksum(0xABCD);
        Assert.True(UdpView.TryParse(datagram, out var again));
        Assert.Equal(new UdpFields { SourcePort = 53, DestinationPort = 4789, Length = 12, Checksum = 0xABCD }, again.ToFields());
    }

    [Fact]
    public void Encode_rejects_a_short_destination() =>
        Assert.Throws<ArgumentException>(() => UdpView.Encode(new byte[7], new UdpFields()));

    private static byte[] RandomDatagram(Random random)
    {
        byte[] datagram = new byte[8 + random.Next(0, 200)];
        random.NextBytes(datagram);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        return datagram;
    }

    private static byte[] Be32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Be16(int value) => [(byte)(value >> 8), (byte)value];
}
