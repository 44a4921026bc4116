using System.Buffers.Binary;

namespace Overlay.Packets.Tests.Headers;

public sealed class Ipv4ViewTests
{
    /// <summary>The classic example header: 198.19.0.1 -> 198.19.0.199, UDP, DF, TTL 64, total length 115,
    /// checksum field zeroed (the right value is 0xAD8B).</summary>
    private static byte[] KnownPacket()
    {
        byte[] packet = new byte[0x73];
        Convert.FromHexString("450000730000400040110000c6130001c61300c7").CopyTo(packet, 0);
        return packet;
    }

    private static readonly Ipv4Fields Sample = new()
    {
        Tos = 0xB9, TotalLength = 40, Identification = 0xABCD, DontFragment = true, Ttl = 64,
        Protocol = IpProtocols.Tcp, Source = 0xC612_0203, Destination = 0xC613_6401,
    };

    [Fact]
    public void Known_header_has_checksum_b861()
    {
        byte[] packet = KnownPacket();
        Assert.True(Ipv4View.TryParse(packet, out var ip));
        Assert.Equal(0xAD8B, ip.ComputeHeaderChecksum());
        Assert.False(ip.IsHeaderChecksumValid());
        ip.UpdateHeaderChecksum();
        Assert.Equal(0xAD8B, ip.HeaderChecksum);
        Assert.True(ip.IsHeaderChecksumValid());
        Assert.Equal(0xC613_0001u, ip.Source);
        Assert.Equal(0xC613_00C7u, ip.Destination);
        Assert.Equal(IpAddr.Parse("198.19.0.1"), ip.SourceAddress);
        Assert.Equal(IpAddr.Parse("198.19.0.199"), ip.DestinationAddress);
        Assert.Equal(IpProtocols.Udp, ip.Protocol);
        Assert.True(ip.DontFragment);
        Assert.False(ip.IsFragment);
        Assert.Equal(0x73 - 20, ip.Payload.Length);
    }

    [Fact]
    public void Encode_writes_the_wire_layout_with_a_valid_checksum()
    {
        byte[] header = new byte[20];
        Assert.Equal(20, Ipv4View.Encode(header, Sample));
        Assert.Equal("45B90028ABCD40004006", Convert.ToHexString(header.AsSpan(0, 10)));
        Assert.Equal("C6120203C6136401", Convert.ToHexString(header.AsSpan(12)));
        Assert.True(InternetChecksum.IsValid(header));
        ushort stored = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(10));
        header[10] = header[11] = 0;
        Assert.Equal(InternetChecksum.Compute(header), stored);
    }

    [Fact]
    public void Random_fields_and_options_round_trip()
    {
        var random = new Random(791);
        byte[] packet = new byte[60 + 100];
        for (int i = 0; i < 5000; i++)
        {
            byte[] options = new byte[random.Next(0, 41)];
            random.NextBytes(options);
            int headerLength = 20 + ((options.Length + 3) & ~3);
            var fields = new Ipv4Fields
            {
                Tos = (byte)random.Next(256),
                TotalLength = (ushort)random.Next(headerLength, packet.Length + 1),
                Identification = (ushort)random.Next(65536),
                DontFragment = random.Next(2) == 0,
                MoreFragments = random.Next(2) == 0,
                FragmentOffset = (ushort)(random.Next(8192) * 8),
                Ttl = (byte)random.Next(256),
                Protocol = (byte)random.Next(256),
                Source = (uint)random.NextInt64(0, 1L << 32),
                Destination = (uint)random.NextInt64(0, 1L << 32),
            };

            Assert.Equal(headerLength, Ipv4View.Encode(packet, fields, options));
            Assert.True(Ipv4View.TryParse(packet, out var ip));
            Assert.Equal(fields, ip.ToFields());
            Assert.Equal(headerLength, ip.HeaderLength);
            Assert.Equal(options.Length > 0, ip.HasOptions);
            Assert.Equal(options, ip.Options[..options.Length].ToArray());
            Assert.True(ip.Options[options.Length..].IndexOfAnyExcept((byte)0) < 0);
            Assert.True(ip.IsHeaderChecksumValid());
            Assert.Equal(fields.TotalLength - headerLength, ip.Payload.Length);
            Assert.Equal(fields.Tos >> 2, ip.Dscp);
            Assert.Equal(fields.Tos & 3, ip.Ecn);
            Assert.Equal(fields.MoreFragments || fields.FragmentOffset != 0, ip.IsFragment);
            Assert.Equal(IpAddr.FromV4(fields.Source), ip.SourceAddress);
        }
    }

    [Fact]
    public void Payload_excludes_ethernet_padding()
    {
        byte[] padded = new byte[46];
        Ipv4View.Encode(padded, Sample with { TotalLength = 28 });
        Assert.True(Ipv4View.TryParse(padded, out var ip));
        Assert.Equal(28, ip.Bytes.Length);
        Assert.Equal(8, ip.Payload.Length);
    }

    [Fact]
    public void Empty_and_every_truncation_fail()
    {
        byte[] packet = new byte[60];
        Ipv4View.Encode(packet, Sample with { TotalLength = 60 }, new byte[8]);
        for (int length = 0; length < 60; length++)
        {
            Assert.False(Ipv4View.TryParse(packet.AsSpan(0, length), out _), $"length {length}");
        }
        Assert.True(Ipv4View.TryParse(packet, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(15)]
    public void Wrong_version_fails(int version)
    {
        byte[] packet = new byte[40];
        Ipv4View.Encode(packet, Sample);
        packet[0] = (byte)((version << 4) | 5);
        Assert.False(Ipv4View.TryParse(packet, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Ihl_below_five_fails(int ihl)
    {
        byte[] packet = new byte[40];
        Ipv4View.Encode(packet, Sample);
        packet[0] = (byte)(0x40 | ihl);
        Assert.False(Ipv4View.TryParse(packet, out _));
    }

    [Fact]
    public void Header_longer_than_the_buffer_fails()
    {
        byte[] packet = new byte[40];
        Ipv4View.Encode(packet, Sample);
        packet[0] = 0x4F; // 60-byte header in a 40-byte buffer
        Assert.False(Ipv4View.TryParse(packet, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(23)]   // IHL 6: shorter than its own header
    [InlineData(41)]   // longer than the buffer
    [InlineData(65535)]
    public void Total_length_outside_header_and_buffer_fails(int totalLength)
    {
        byte[] packet = new byte[40];
        Ipv4View.Encode(packet, Sample, new byte[4]);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)totalLength);
        Assert.False(Ipv4View.TryParse(packet, out _));
    }

    [Fact]
    public void Total_length_equal_to_header_gives_an_empty_payload()
    {
        byte[] packet = new byte[24];
        Ipv4View.Encode(packet, Sample with { TotalLength = 24 }, new byte[4]);
        Assert.True(Ipv4View.TryParse(packet, out var ip));
        Assert.True(ip.Payload.IsEmpty);
    }

    [Theory]
    [InlineData(false, 0, false)]
    [InlineData(true, 0, true)]
    [InlineData(false, 8, true)]
    [InlineData(true, 65528, true)]
    public void Fragment_fields_decode(bool moreFragments, int offset, bool isFragment)
    {
        byte[] packet = new byte[20];
        Ipv4View.Encode(packet, Sample with { TotalLength = 20, DontFragment = false, MoreFragments = moreFragments, FragmentOffset = (ushort)offset });
        Assert.True(Ipv4View.TryParse(packet, out var ip));
        Assert.Equal(moreFragments, ip.MoreFragments);
        Assert.Equal(offset, ip.FragmentOffset);
        Assert.Equal(isFragment, ip.IsFragment);
        Assert.False(ip.DontFragment);
    }

    [Fact]
    public void Setters_write_in_place_and_the_checksum_follows_incrementally_or_by_recompute()
    {
        byte[] packet = new byte[40];
        Ipv4View.Encode(packet, Sample);
        Assert.True(Ipv4View.TryParse(packet, out var ip));

        ushort ttlWordBefore = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(8));
        ip.SetTtl(63);
        ip.SetHeaderChecksum(InternetChecksum.Update(ip.HeaderChecksum, ttlWordBefore, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(8))));
        Assert.True(ip.IsHeaderChecksumValid());

        uint oldDestination = ip.Destination;
        ip.SetDestination(0xC612_0063);
        ip.SetHeaderChecksum(InternetChecksum.Update(ip.HeaderChecksum, oldDestination, ip.Destination));
        Assert.True(ip.IsHeaderChecksumValid());

        ip.SetSource(0xC612_0001);
        ip.SetTos(0x03);
        ip.SetIdentification(7);
        ip.SetProtocol(IpProtocols.Udp);
        ip.SetTotalLength(32);
        Assert.False(ip.IsHeaderChecksumValid());
        ip.UpdateHeaderChecksum();
        Assert.True(ip.IsHeaderChecksumValid());

        Assert.True(Ipv4View.TryParse(packet, out var again));
        Assert.Equal(Sample with { Ttl = 63, Destination = 0xC612_0063, Source = 0xC612_0001, Tos = 3, Identification = 7, Protocol = IpProtocols.Udp, TotalLength = 32 },
            again.ToFields());
        Assert.Equal(3, again.Ecn);
        Assert.Equal(12, again.Payload.Length);
    }

    [Fact]
    public void Encode_rejects_programmer_errors()
    {
        Assert.Throws<ArgumentException>(() => Ipv4View.Encode(new byte[19], Sample));
        Assert.Throws<ArgumentException>(() => Ipv4View.Encode(new byte[23], Sample, new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4View.Encode(new byte[80], Sample, new byte[41]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4View.Encode(new byte[20], Sample with { FragmentOffset = 12 }));
    }
}
