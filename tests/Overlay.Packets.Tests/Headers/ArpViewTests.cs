namespace Overlay.Packets.Tests.Headers;

public sealed class ArpViewTests
{
    private static readonly ArpFields Request = new()
    {
        Operation = ArpView.OperationRequest,
        SenderMac = MacAddress.Parse("02:00:00:00:00:01"),
        SenderIp = 0xC613_0101,
        TargetMac = MacAddress.Zero,
        TargetIp = 0xC613_01FE,
    };

    [Fact]
    public void Request_encodes_to_the_rfc826_layout()
    {
        byte[] body = new byte[28];
        Assert.Equal(28, ArpView.Encode(body, Request));
        Assert.Equal(Convert.FromHexString("0001080006040001020000000001c6130101000000000000c61301fe"), body);
    }

    [Fact]
    public void Encode_then_parse_round_trips()
    {
        var random = new Random(826);
        byte[] body = new byte[28];
        for (int i = 0; i < 1000; i++)
        {
            var fields = new ArpFields
            {
                Operation = (ushort)random.Next(65536),
                SenderMac = new MacAddress((ulong)random.NextInt64()),
                SenderIp = (uint)random.NextInt64(0, 1L << 32),
                TargetMac = new MacAddress((ulong)random.NextInt64()),
                TargetIp = (uint)random.NextInt64(0, 1L << 32),
            };
            ArpView.Encode(body, fields);
            Assert.True(ArpView.TryParse(body, out var view));
            Assert.Equal(fields, view.ToFields());
            Assert.Equal(ArpView.HeaderLength, ArpView.MinLength);
            Assert.True(view.Payload.IsEmpty);
        }
    }

    [Fact]
    public void Request_reads_back_its_fields()
    {
        byte[] padded = new byte[46]; // an ARP body inside a minimum Ethernet frame
        ArpView.Encode(padded, Request);
        Assert.True(ArpView.TryParse(padded, out var view));
        Assert.True(view.IsRequest);
        Assert.False(view.IsReply);
        Assert.False(view.IsGratuitous);
        Assert.Equal(Request.SenderMac, view.SenderMac);
        Assert.Equal(0xC613_0101u, view.SenderIp);
        Assert.Equal(0xC613_01FEu, view.TargetIp);
        Assert.True(view.TargetMac.IsZero);
        Assert.Equal(18, view.Payload.Length);
        Assert.Equal(46, view.Bytes.Length);
    }

    [Fact]
    public void Setters_turn_a_request_into_a_reply_in_place()
    {
        byte[] body = new byte[28];
        ArpView.Encode(body, Request);
        Assert.True(ArpView.TryParse(body, out var view));
        var answer = MacAddress.Parse("02:00:00:00:00:fe");

        view.SetOperation(ArpView.OperationReply);
        view.SetTargetMac(view.SenderMac);
        view.SetTargetIp(view.SenderIp);
        view.SetSenderMac(answer);
        view.SetSenderIp(Request.TargetIp);

        Assert.True(ArpView.TryParse(body, out var reply));
        Assert.Equal(new ArpFields
        {
            Operation = ArpView.OperationReply, SenderMac = answer, SenderIp = Request.TargetIp,
            TargetMac = Request.SenderMac, TargetIp = Request.SenderIp,
        }, reply.ToFields());
        Assert.True(reply.IsReply);
    }

    [Fact]
    public void Gratuitous_arp_has_equal_sender_and_target_ip()
    {
        byte[] body = new byte[28];
        ArpView.Encode(body, Request with { TargetIp = Request.SenderIp });
        Assert.True(ArpView.TryParse(body, out var view));
        Assert.True(view.IsGratuitous);
    }

    [Fact]
    public void Empty_and_every_truncation_fail()
    {
        byte[] body = new byte[28];
        ArpView.Encode(body, Request);
        for (int length = 0; length < 28; length++)
        {
            Assert.False(ArpView.TryParse(body.AsSpan(0, length), out _));
        }
    }

    [Theory]
    [InlineData(0, 0x0006)]  // hardware type IEEE 802 instead of Ethernet
    [InlineData(0, 0x0000)]
    [InlineData(2, 0x86DD)]  // protocol type IPv6 instead of IPv4
    [InlineData(2, 0x0000)]
    [InlineData(4, 0x0804)]  // hardware length 8 instead of 6
    [InlineData(4, 0x0610)]  // protocol length 16 instead of 4
    [InlineData(4, 0x0000)]
    public void Wrong_hardware_or_protocol_fails(int offset, int word)
    {
        byte[] body = new byte[28];
        ArpView.Encode(body, Request);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(offset), (ushort)word);
        Assert.False(ArpView.TryParse(body, out _));
    }

    [Fact]
    public void Encode_rejects_a_short_destination() =>
        Assert.Throws<ArgumentException>(() => ArpView.Encode(new byte[27], Request));
}
