namespace Overlay.Packets.Tests.Headers;

public sealed class EthernetViewTests
{
    private static readonly MacAddress Destination = MacAddress.Parse("02:11:22:33:44:55");
    private static readonly MacAddress Source = MacAddress.Parse("52:54:00:ab:cd:ef");

    [Fact]
    public void Untagged_header_encodes_to_the_wire_layout()
    {
        byte[] frame = new byte[20];
        int written = EthernetView.Encode(frame, new EthernetFields { Destination = Destination, Source = Source, EtherType = EtherTypes.Ipv6 });

        Assert.Equal(14, written);
        Assert.Equal(Convert.FromHexString("021122334455525400abcdef86dd"), frame[..14]);
    }

    [Fact]
    public void Tagged_header_encodes_tpid_tci_then_type()
    {
        byte[] frame = new byte[18];
        var fields = new EthernetFields { Destination = Destination, Source = Source, EtherType = EtherTypes.Arp, HasVlanTag = true, VlanTci = 0xA07B };
        int written = EthernetView.Encode(frame, fields);

        Assert.Equal(18, written);
        Assert.Equal(Convert.FromHexString("021122334455525400abcdef8100a07b0806"), frame);
    }

    [Theory]
    [InlineData(false, 0, 0)]
    [InlineData(true, EtherTypes.Vlan, 0x0001)]
    [InlineData(true, EtherTypes.Vlan, 0xFFFE)]
    [InlineData(true, EtherTypes.QinQ, 0x2064)]
    public void Encode_then_parse_round_trips(bool tagged, ushort tpid, ushort tci)
    {
        var fields = new EthernetFields
        {
            Destination = Destination, Source = Source, EtherType = EtherTypes.Ipv4,
            HasVlanTag = tagged, TagProtocol = tpid, VlanTci = tci,
        };
        byte[] frame = new byte[64];
        int headerLength = EthernetView.Encode(frame, fields);

        Assert.True(EthernetView.TryParse(frame, out var view));
        Assert.Equal(fields, view.ToFields());
        Assert.Equal(headerLength, view.HeaderLength);
        Assert.Equal(tagged, view.HasVlanTag);
        Assert.Equal((ushort)(tci & 0x0FFF), view.VlanId);
        Assert.Equal((byte)(tci >> 13), view.VlanPriority);
        Assert.Equal(64 - headerLength, view.Payload.Length);
        Assert.Equal(frame.Length, view.Bytes.Length);
    }

    [Fact]
    public void Random_fields_round_trip()
    {
        var random = new Random(802);
        byte[] frame = new byte[18];
        for (int i = 0; i < 2000; i++)
        {
            bool tagged = random.Next(2) == 0;
            var fields = new EthernetFields
            {
                Destination = new MacAddress((ulong)random.NextInt64()),
                Source = new MacAddress((ulong)random.NextInt64()),
                EtherType = RandomNonTagType(random),
                HasVlanTag = tagged,
                TagProtocol = tagged ? (random.Next(2) == 0 ? EtherTypes.Vlan : EtherTypes.QinQ) : (ushort)0,
                VlanTci = tagged ? (ushort)random.Next(65536) : (ushort)0,
            };
            EthernetView.Encode(frame, fields);
            Assert.True(EthernetView.TryParse(frame.AsSpan(0, tagged ? 18 : 14), out var view));
            Assert.Equal(fields, view.ToFields());
            Assert.True(view.Payload.IsEmpty);
        }
    }

    [Fact]
    public void Missing_tag_protocol_encodes_as_8021q()
    {
        byte[] frame = new byte[18];
        EthernetView.Encode(frame, new EthernetFields { EtherType = EtherTypes.Ipv4, HasVlanTag = true, VlanTci = 7 });
        Assert.True(EthernetView.TryParse(frame, out var view));
        Assert.Equal(EtherTypes.Vlan, view.TagProtocol);
        Assert.Equal(EtherTypes.Vlan, view.OuterEtherType);
        Assert.Equal(7, view.VlanId);
    }

    [Fact]
    public void Untagged_frame_reports_no_tag()
    {
        byte[] frame = new byte[60];
        EthernetView.Encode(frame, new EthernetFields { Destination = MacAddress.Broadcast, Source = Source, EtherType = EtherTypes.Arp });
        Assert.True(EthernetView.TryParse(frame, out var view));
        Assert.False(view.HasVlanTag);
        Assert.Equal(0, view.VlanTci);
        Assert.Equal(0, view.VlanId);
        Assert.Equal(0, view.TagProtocol);
        Assert.Equal(EtherTypes.Arp, view.EtherType);
        Assert.True(view.Destination.IsBroadcast);
        Assert.Equal(46, view.Payload.Length);
    }

    [Fact]
    public void Qinq_exposes_the_outer_tag_and_leaves_the_inner_tag_in_the_payload()
    {
        byte[] frame = Convert.FromHexString("021122334455525400abcdef88a8006481000065080045");
        Assert.True(EthernetView.TryParse(frame, out var view));
        Assert.Equal(EtherTypes.QinQ, view.TagProtocol);
        Assert.Equal(100, view.VlanId);
        Assert.Equal(EtherTypes.Vlan, view.EtherType);
        Assert.Equal(Convert.FromHexString("0065080045"), view.Payload.ToArray());
    }

    [Fact]
    public void Empty_and_every_truncation_of_the_header_fail()
    {
        byte[] untagged = new byte[14];
        EthernetView.Encode(untagged, new EthernetFields { EtherType = EtherTypes.Ipv4 });
        for (int length = 0; length < 14; length++)
        {
            Assert.False(EthernetView.TryParse(untagged.AsSpan(0, length), out _));
        }
        Assert.True(EthernetView.TryParse(untagged, out _));
        Assert.False(EthernetView.TryParse(Span<byte>.Empty, out _));
    }

    [Theory]
    [InlineData(EtherTypes.Vlan)]
    [InlineData(EtherTypes.QinQ)]
    public void Truncated_vlan_tag_fails(ushort tpid)
    {
        byte[] tagged = new byte[18];
        EthernetView.Encode(tagged, new EthernetFields { EtherType = EtherTypes.Ipv4, HasVlanTag = true, TagProtocol = tpid, VlanTci = 5 });
        for (int length = 14; length < 18; length++)
        {
            Assert.False(EthernetView.TryParse(tagged.AsSpan(0, length), out _));
        }
        Assert.True(EthernetView.TryParse(tagged, out var view));
        Assert.True(view.Payload.IsEmpty);
    }

    [Fact]
    public void Setters_rewrite_addresses_in_place()
    {
        byte[] frame = new byte[18];
        EthernetView.Encode(frame, new EthernetFields { EtherType = EtherTypes.Ipv4, HasVlanTag = true, VlanTci = 42 });
        Assert.True(EthernetView.TryParse(frame, out var view));
        view.SetDestination(Destination);
        view.SetSource(Source);

        Assert.True(EthernetView.TryParse(frame, out var again));
        Assert.Equal(Destination, again.Destination);
        Assert.Equal(Source, again.Source);
        Assert.Equal(42, again.VlanId);
        Assert.Equal(EtherTypes.Ipv4, again.EtherType);
    }

    [Fact]
    public void Encode_rejects_a_short_destination_and_a_non_vlan_tag_protocol()
    {
        Assert.Throws<ArgumentException>(() => EthernetView.Encode(new byte[13], new EthernetFields()));
        Assert.Throws<ArgumentException>(() => EthernetView.Encode(new byte[17], new EthernetFields { HasVlanTag = true }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            EthernetView.Encode(new byte[18], new EthernetFields { HasVlanTag = true, TagProtocol = EtherTypes.Ipv4 }));
    }

    [Fact]
    public void Ether_type_constants_match_ieee_numbers()
    {
        Assert.Equal(0x0800, EtherTypes.Ipv4);
        Assert.Equal(0x0806, EtherTypes.Arp);
        Assert.Equal(0x86DD, EtherTypes.Ipv6);
        Assert.Equal(0x8100, EtherTypes.Vlan);
        Assert.Equal(0x88A8, EtherTypes.QinQ);
        Assert.True(EtherTypes.IsVlanTag(0x8100));
        Assert.True(EtherTypes.IsVlanTag(0x88A8));
        Assert.False(EtherTypes.IsVlanTag(0x0800));
    }

    private static ushort RandomNonTagType(Random random)
    {
        ushort type;
        do type = (ushort)random.Next(65536); while (EtherTypes.IsVlanTag(type));
        return type;
    }
}
