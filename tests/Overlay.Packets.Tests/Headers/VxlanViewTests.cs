namespace Overlay.Packets.Tests.Headers;

public sealed class VxlanViewTests
{
    [Fact]
    public void Encode_writes_the_i_flag_and_the_vni()
    {
        byte[] header = new byte[8];
        Assert.Equal(8, VxlanView.Encode(header, 0x12_3456));
        Assert.Equal("0800000012345600", Convert.ToHexString(header));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(4242u)]
    [InlineData(0xFF_FFFFu)]
    public void Encode_then_parse_round_trips(uint vni)
    {
        byte[] packet = new byte[8 + 14];
        VxlanView.Encode(packet, vni);
        Assert.True(VxlanView.TryParse(packet, out var vxlan));
        Assert.Equal(vni, vxlan.Vni);
        Assert.True(vxlan.HasIFlag);
        Assert.Equal(VxlanView.IFlag, vxlan.Flags);
        Assert.Equal(0UL, vxlan.ReservedBits);
        Assert.Equal(VxlanView.IFlagMask | ((ulong)vni << 8), vxlan.Header);
        Assert.Equal(14, vxlan.Payload.Length);
        Assert.Equal(22, vxlan.Bytes.Length);
    }

    [Fact]
    public void Masks_have_the_rfc7348_layout()
    {
        Assert.Equal(0x0800_0000_0000_0000UL, VxlanView.IFlagMask);
        Assert.Equal(0x0000_0000_FFFF_FF00UL, VxlanView.VniMask);
        Assert.Equal(8, VxlanView.HeaderLength);
    }

    [Fact]
    public void Parse_checks_only_the_length_and_exposes_flags_and_reserved_bits()
    {
        // No I flag, GBP-style G bit (0x80) and a group policy id in bytes 2-3, reserved low byte set.
        byte[] packet = Convert.FromHexString("80001234ABCDEF7F");
        Assert.True(VxlanView.TryParse(packet, out var vxlan));
        Assert.False(vxlan.HasIFlag);
        Assert.Equal(0x80, vxlan.Flags);
        Assert.Equal(0xAB_CDEFu, vxlan.Vni);
        Assert.Equal(0x8000_1234_0000_007FUL, vxlan.ReservedBits);
        Assert.True(vxlan.Payload.IsEmpty);

        const ulong toleratedGbp = 0x80FF_FFFF_0000_0000; // G flag and the policy fields
        Assert.NotEqual(0UL, vxlan.ReservedBits & ~toleratedGbp); // the low reserved byte is still set
    }

    [Fact]
    public void Every_reserved_bit_shows_up_in_ReservedBits()
    {
        for (int bit = 0; bit < 64; bit++)
        {
            byte[] packet = new byte[8];
            VxlanView.Encode(packet, 0);
            ulong flip = 1UL << bit;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(packet, VxlanView.IFlagMask ^ flip);
            Assert.True(VxlanView.TryParse(packet, out var vxlan));
            bool reserved = (flip & (VxlanView.IFlagMask | VxlanView.VniMask)) == 0;
            Assert.Equal(reserved ? flip : 0UL, vxlan.ReservedBits);
        }
    }

    [Fact]
    public void Empty_and_every_truncation_fail()
    {
        byte[] packet = new byte[8];
        VxlanView.Encode(packet, 7);
        for (int length = 0; length < 8; length++)
        {
            Assert.False(VxlanView.TryParse(packet.AsSpan(0, length), out _));
        }
        Assert.True(VxlanView.TryParse(packet, out _));
    }

    [Fact]
    public void SetVni_keeps_flags_and_reserved_bits()
    {
        byte[] packet = Convert.FromHexString("8800123400000101");
        Assert.True(VxlanView.TryParse(packet, out var vxlan));
        vxlan.SetVni(0xFE_DCBA);
        Assert.Equal("88001234FEDCBA01", Convert.ToHexString(packet));
    }

    [Fact]
    public void Encode_and_SetVni_reject_programmer_errors()
    {
        Assert.Throws<ArgumentException>(() => VxlanView.Encode(new byte[7], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => VxlanView.Encode(new byte[8], 0x100_0000));
        byte[] packet = new byte[8];
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            Assert.True(VxlanView.TryParse(packet, out var vxlan));
            vxlan.SetVni(0x100_0000);
        });
    }
}
