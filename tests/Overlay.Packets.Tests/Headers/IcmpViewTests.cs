namespace Overlay.Packets.Tests.Headers;

public sealed class IcmpViewTests
{
    [Fact]
    public void Bare_echo_request_has_checksum_f7ff()
    {
        byte[] message = new byte[8];
        Assert.Equal(8, IcmpView.Encode(message, IcmpFields.Echo(IcmpView.TypeEchoRequest, 0, 0)));
        Assert.True(IcmpView.TryParse(message, out var icmp));
        Assert.Equal(0xF7FF, icmp.ComputeChecksum());
        icmp.UpdateChecksum();
        Assert.Equal("0800F7FF00000000", Convert.ToHexString(message));
        Assert.True(icmp.IsChecksumValid());
    }

    [Fact]
    public void Random_fields_round_trip()
    {
        var random = new Random(792);
        byte[] message = new byte[64];
        for (int i = 0; i < 2000; i++)
        {
            var fields = new IcmpFields
            {
                Type = (byte)random.Next(256),
                Code = (byte)random.Next(256),
                Checksum = (ushort)random.Next(65536),
                RestOfHeader = (uint)random.NextInt64(0, 1L << 32),
            };
            IcmpView.Encode(message, fields);
            Assert.True(IcmpView.TryParse(message, out var icmp));
            Assert.Equal(fields, icmp.ToFields());
            Assert.Equal((ushort)(fields.RestOfHeader >> 16), icmp.Identifier);
            Assert.Equal((ushort)fields.RestOfHeader, icmp.SequenceNumber);
            Assert.Equal(56, icmp.Payload.Length);
        }
    }

    [Fact]
    public void Echo_accessors_read_identifier_and_sequence()
    {
        byte[] message = new byte[8 + 4];
        IcmpView.Encode(message, IcmpFields.Echo(IcmpView.TypeEchoReply, 0xABCD, 0x0102));
        Assert.True(IcmpView.TryParse(message, out var icmp));
        Assert.True(icmp.IsEcho);
        Assert.Equal(IcmpView.TypeEchoReply, icmp.Type);
        Assert.Equal(0, icmp.Code);
        Assert.Equal(0xABCD, icmp.Identifier);
        Assert.Equal(0x0102, icmp.SequenceNumber);
        Assert.Equal(0xABCD_0102u, icmp.RestOfHeader);

        icmp.SetIdentifier(0x1111);
        icmp.SetSequenceNumber(0x2222);
        Assert.Equal(0x1111_2222u, icmp.RestOfHeader);
        icmp.SetRestOfHeader(0x0000_0578); // e.g. next-hop MTU 1400 in a fragmentation-needed message
        icmp.SetType(IcmpView.TypeDestinationUnreachable);
        icmp.SetCode(IcmpView.CodeFragmentationNeeded);
        icmp.SetChecksum(0x55AA);
        Assert.Equal(new IcmpFields { Type = 3, Code = 4, Checksum = 0x55AA, RestOfHeader = 0x578 }, icmp.ToFields());
        Assert.False(icmp.IsEcho);
    }

    [Fact]
    public void Checksum_covers_the_whole_message_and_ignores_the_old_field()
    {
        var random = new Random(1);
        for (int i = 0; i < 500; i++)
        {
            byte[] message = new byte[8 + random.Next(0, 100)];
            random.NextBytes(message);
            Assert.True(IcmpView.TryParse(message, out var icmp));
            byte[] zeroed = (byte[])message.Clone();
            zeroed[2] = zeroed[3] = 0;
            Assert.Equal(InternetChecksum.Compute(zeroed), icmp.ComputeChecksum());

            icmp.UpdateChecksum();
            Assert.True(icmp.IsChecksumValid());
            message[^1] ^= 0x04;
            Assert.False(icmp.IsChecksumValid());
        }
    }

    [Fact]
    public void Empty_and_every_truncation_fail()
    {
        byte[] message = new byte[8];
        for (int length = 0; length < 8; length++)
        {
            Assert.False(IcmpView.TryParse(message.AsSpan(0, length), out _));
        }
        Assert.True(IcmpView.TryParse(message, out var icmp));
        Assert.True(icmp.Payload.IsEmpty);
    }

    [Fact]
    public void Encode_rejects_a_short_destination() =>
        Assert.Throws<ArgumentException>(() => IcmpView.Encode(new byte[7], new IcmpFields()));
}
