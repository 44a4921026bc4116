using System.Buffers.Binary;

namespace Overlay.Packets.Tests.Headers;

public sealed class Ipv6ViewTests
{
    private static readonly Ipv6Fields Sample = new()
    {
        TrafficClass = 0xB9, FlowLabel = 0xA_BCDE, PayloadLength = 8, NextHeader = IpProtocols.Udp, HopLimit = 64,
        Source = IpAddr.Parse("2001:db8::1"), Destination = IpAddr.Parse("fe80::1:2:3:4"),
    };

    [Fact]
    public void Encode_writes_the_wire_layout()
    {
        byte[] packet = new byte[48];
        Assert.Equal(40, Ipv6View.Encode(packet, Sample));
        Assert.Equal("6B9ABCDE00081140", Convert.ToHexString(packet.AsSpan(0, 8)));
        Assert.Equal("20010DB8000000000000000000000001", Convert.ToHexString(packet.AsSpan(8, 16)));
        Assert.Equal("FE800000000000000001000200030004", Convert.ToHexString(packet.AsSpan(24, 16)));
    }

    [Fact]
    public void Random_fields_round_trip()
    {
        var random = new Random(8200);
        byte[] packet = new byte[40 + 64];
        byte[] address = new byte[16];
        for (int i = 0; i < 5000; i++)
        {
            random.NextBytes(address);
            var source = IpAddr.ReadV6(address);
            random.NextBytes(address);
            var fields = new Ipv6Fields
            {
                TrafficClass = (byte)random.Next(256),
                FlowLabel = (uint)random.Next(0x10_0000),
                PayloadLength = (ushort)random.Next(0, 65),
                NextHeader = (byte)random.Next(256),
                HopLimit = (byte)random.Next(256),
                Source = source,
                Destination = IpAddr.ReadV6(address),
            };
            Ipv6View.Encode(packet, fields);
            Assert.True(Ipv6View.TryParse(packet, out var ip));
            Assert.Equal(fields, ip.ToFields());
            Assert.Equal(fields.PayloadLength, ip.Payload.Length);
            Assert.Equal(40 + fields.PayloadLength, ip.Bytes.Length);
            Assert.Equal(fields.TrafficClass >> 2, ip.Dscp);
            Assert.Equal(fields.TrafficClass & 3, ip.Ecn);
            Assert.Equal(address, ip.DestinationBytes.ToArray());
        }
    }

    [Fact]
    public void Ipv4_addresses_are_written_mapped()
    {
        byte[] packet = new byte[40];
        Ipv6View.Encode(packet, Sample with { PayloadLength = 0, Source = IpAddr.FromV4(0xC612_0001) });
        Assert.Equal("00000000000000000000FFFFC6120001", Convert.ToHexString(packet.AsSpan(8, 16)));
        Assert.True(Ipv6View.TryParse(packet, out var ip));
        Assert.True(ip.Source.IsV4);
    }

    [Fact]
    public void Empty_and_every_truncation_fail()
    {
        byte[] packet = new byte[48];
        Ipv6View.Encode(packet, Sample);
        for (int length = 0; length < 48; length++)
        {
            Assert.False(Ipv6View.TryParse(packet.AsSpan(0, length), out _), $"length {length}");
        }
        Assert.True(Ipv6View.TryParse(packet, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(15)]
    public void Wrong_version_fails(int version)
    {
        byte[] packet = new byte[48];
        Ipv6View.Encode(packet, Sample);
        packet[0] = (byte)((version << 4) | (packet[0] & 0x0F));
        Assert.False(Ipv6View.TryParse(packet, out _));
    }

    [Fact]
    public void Payload_is_trimmed_to_the_payload_length()
    {
        byte[] padded = new byte[64];
        Ipv6View.Encode(padded, Sample with { PayloadLength = 10 });
        Assert.True(Ipv6View.TryParse(padded, out var ip));
        Assert.Equal(10, ip.Payload.Length);
        Assert.Equal(50, ip.Bytes.Length);
    }

    [Fact]
    public void Setters_write_in_place()
    {
        byte[] packet = new byte[48];
        Ipv6View.Encode(packet, Sample);
        Assert.True(Ipv6View.TryParse(packet, out var ip));
        ip.SetTrafficClass(0x02);
        ip.SetHopLimit(1);
        ip.SetPayloadLength(4);
        ip.SetSource(IpAddr.Parse("fd00::7"));
        ip.SetDestination(IpAddr.Parse("fd00::8"));

        Assert.True(Ipv6View.TryParse(packet, out var again));
        Assert.Equal(Sample with
        {
            TrafficClass = 2, HopLimit = 1, PayloadLength = 4,
            Source = IpAddr.Parse("fd00::7"), Destination = IpAddr.Parse("fd00::8"),
        }, again.ToFields());
        Assert.Equal(6, packet[0] >> 4); // version untouched by SetTrafficClass
    }

    [Fact]
    public void Encode_rejects_programmer_errors()
    {
        Assert.Throws<ArgumentException>(() => Ipv6View.Encode(new byte[39], Sample));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv6View.Encode(new byte[40], Sample with { FlowLabel = 0x10_0000 }));
    }

    [Fact]
    public void Transport_without_extension_headers_is_at_offset_zero()
    {
        var ip = Parse(IpProtocols.Tcp, new byte[20], out byte[] _);
        Assert.True(ip.TryFindTransport(out byte protocol, out int offset));
        Assert.Equal(IpProtocols.Tcp, protocol);
        Assert.Equal(0, offset);
    }

    [Fact]
    public void Transport_is_found_after_hop_by_hop_routing_destination_options_first_fragment_and_ah()
    {
        byte[] chain =
        [
            IpProtocols.Ipv6Routing, 0, 1, 4, 0, 0, 0, 0,                                  // hop-by-hop, 8 bytes
            IpProtocols.Ipv6DestinationOptions, 2, 0, 0, .. new byte[20],                  // routing, 24 bytes
            IpProtocols.Ipv6Fragment, 0, 1, 4, 0, 0, 0, 0,                                 // destination options
            IpProtocols.Ah, 0, 0x00, 0x01, 0, 0, 0, 9,                                     // first fragment (M set)
            IpProtocols.Udp, 4, 0, 0, .. new byte[20],                                     // AH, (4 + 2) * 4 = 24 bytes
            0x12, 0x34, 0x56, 0x78, 0, 8, 0, 0,                                            // UDP
        ];
        var ip = Parse(IpProtocols.Ipv6HopByHop, chain, out _);
        Assert.True(ip.TryFindTransport(out byte protocol, out int offset));
        Assert.Equal(IpProtocols.Udp, protocol);
        Assert.Equal(chain.Length - 8, offset);
        Assert.True(UdpView.TryParse(ip.Payload.Slice(offset), out var udp));
        Assert.Equal(0x1234, udp.SourcePort);
    }

    [Fact]
    public void Esp_is_returned_as_the_transport()
    {
        var ip = Parse(IpProtocols.Ipv6DestinationOptions, [IpProtocols.Esp, 0, 1, 4, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8], out _);
        Assert.True(ip.TryFindTransport(out byte protocol, out int offset));
        Assert.Equal(IpProtocols.Esp, protocol);
        Assert.Equal(8, offset);
    }

    [Fact]
    public void Non_first_fragment_has_no_transport()
    {
        var ip = Parse(IpProtocols.Ipv6Fragment, [IpProtocols.Udp, 0, 0x05, 0xC8, 0, 0, 0, 9, .. new byte[16]], out _);
        Assert.False(ip.TryFindTransport(out _, out _));
    }

    [Fact]
    public void No_next_header_has_no_transport()
    {
        var ip = Parse(IpProtocols.Ipv6NoNextHeader, new byte[8], out _);
        Assert.False(ip.TryFindTransport(out _, out _));
    }

    [Theory]
    [InlineData(IpProtocols.Ipv6HopByHop)]
    [InlineData(IpProtocols.Ipv6Routing)]
    [InlineData(IpProtocols.Ipv6DestinationOptions)]
    [InlineData(IpProtocols.Ipv6Fragment)]
    [InlineData(IpProtocols.Ah)]
    public void Truncated_extension_headers_fail(byte kind)
    {
        byte[] header = [IpProtocols.Udp, 3, 0, 0, 0, 0, 0, 0, .. new byte[32]]; // claims 32 bytes (AH: 20)
        for (int length = 0; length < header.Length; length++)
        {
            var ip = Parse(kind, header[..length], out _);
            bool found = ip.TryFindTransport(out byte protocol, out int offset);
            int needed = kind switch
            {
                IpProtocols.Ipv6Fragment => 8,
                IpProtocols.Ah => 20,
                _ => 32,
            };
            Assert.Equal(length >= needed, found);
            if (found)
            {
                Assert.Equal(IpProtocols.Udp, protocol);
                Assert.Equal(needed, offset);
            }
        }
    }

    [Theory]
    [InlineData(8, true)]
    [InlineData(9, false)]
    public void Extension_header_chains_are_bounded(int count, bool found)
    {
        byte[] chain = new byte[count * 8 + 8];
        for (int i = 0; i < count; i++)
        {
            chain[i * 8] = i == count - 1 ? IpProtocols.Tcp : IpProtocols.Ipv6DestinationOptions;
        }
        var ip = Parse(IpProtocols.Ipv6DestinationOptions, chain, out _);
        Assert.Equal(found, ip.TryFindTransport(out _, out int offset));
        if (found) Assert.Equal(count * 8, offset);
    }

    private static Ipv6View Parse(byte nextHeader, byte[] payload, out byte[] packet)
    {
        packet = new byte[40 + payload.Length];
        Ipv6View.Encode(packet, Sample with { NextHeader = nextHeader, PayloadLength = (ushort)payload.Length });
        payload.CopyTo(packet, 40);
        Assert.True(Ipv6View.TryParse(packet, out var ip));
        Assert.Equal(payload.Length, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4)));
        return ip;
    }
}
