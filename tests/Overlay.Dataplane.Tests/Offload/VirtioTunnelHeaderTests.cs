using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>The 24-byte <c>virtio_net_hdr_v1_hash_tunnel</c>: the plain 10 bytes, num_buffers (2), the hash report
/// (8), then outer_th_offset and inner_nh_offset, little-endian.</summary>
public sealed class VirtioTunnelHeaderTests
{
    // TCPv4 inside a UDP tunnel over IPv4, NEEDS_CSUM and the outer-checksum flag; offsets with both bytes non-zero
    // so a swapped byte order shows.
    private static readonly VirtioTunnelHeader Sample = new(
        new VirtioNetHeader(
            VirtioNetHeader.FlagNeedsChecksum | VirtioTunnelHeader.FlagUdpTunnelChecksum,
            VirtioNetHeader.GsoTcpV4 | VirtioTunnelHeader.GsoUdpTunnelV4,
            HeaderLength: 0x0102,
            GsoSize: 1398,
            ChecksumStart: 0x0304,
            ChecksumOffset: VirtioNetHeader.TcpChecksumOffset),
        OuterTransportOffset: 0x1234,
        InnerNetworkOffset: 0xA1B2);

    [Fact]
    public void WriteThenReadRoundTripsEveryField()
    {
        var bytes = new byte[VirtioTunnelHeader.Size];
        Sample.Write(bytes);
        var back = VirtioTunnelHeader.Read(bytes);
        Assert.Equal(Sample, back);
        Assert.Equal(Sample.Plain.Flags, back.Plain.Flags);
        Assert.Equal(Sample.Plain.GsoType, back.Plain.GsoType);
        Assert.Equal(Sample.Plain.HeaderLength, back.Plain.HeaderLength);
        Assert.Equal(Sample.Plain.GsoSize, back.Plain.GsoSize);
        Assert.Equal(Sample.Plain.ChecksumStart, back.Plain.ChecksumStart);
        Assert.Equal(Sample.Plain.ChecksumOffset, back.Plain.ChecksumOffset);
        Assert.Equal((ushort)0x1234, back.OuterTransportOffset);
        Assert.Equal((ushort)0xA1B2, back.InnerNetworkOffset);
    }

    [Fact]
    public void TheFirstTenBytesAreThePlainHeader()
    {
        var tunnel = new byte[VirtioTunnelHeader.Size];
        var plain = new byte[VirtioNetHeader.Size];
        Sample.Write(tunnel);
        Sample.Plain.Write(plain);
        Assert.Equal(plain, tunnel[..VirtioNetHeader.Size]);
    }

    [Fact]
    public void NumBuffersAndTheHashReportAreWrittenAsZero()
    {
        var bytes = new byte[VirtioTunnelHeader.Size];
        bytes.AsSpan().Fill(0xFF); // a reused buffer: stale bytes must not leak into num_buffers or the hash
        Sample.Write(bytes);
        for (int i = 10; i < 20; i++) Assert.True(bytes[i] == 0, $"byte {i} is 0x{bytes[i]:X2}, not 0");
    }

    [Fact]
    public void TheOffsetsAreLittleEndianAtBytes20And22()
    {
        var bytes = new byte[VirtioTunnelHeader.Size];
        Sample.Write(bytes);
        Assert.Equal(new byte[] { 0x34, 0x12 }, bytes[20..22]);
        Assert.Equal(new byte[] { 0xB2, 0xA1 }, bytes[22..24]);
    }

    [Fact]
    public void ReadTakesTheOffsetsFromTheWireAndIgnoresNumBuffersAndTheHash()
    {
        Assert.True(BitConverter.IsLittleEndian, "the plain header's bytes below are in host order, little-endian");
        byte[] wire =
        [
            0x01, 0x21, 0x62, 0x00, 0xA8, 0x05, 0x48, 0x00, 0x10, 0x00, // plain: NEEDS_CSUM, TCPV4|TUNNEL_V4, 98, 1448, 72, 16
            0x07, 0x00,                                                 // num_buffers
            0xDE, 0xAD, 0xBE, 0xEF, 0x02, 0x00, 0x00, 0x00,             // hash value, report, padding
            0x22, 0x00,                                                 // outer UDP header at 34
            0x3A, 0x01,                                                 // inner network header at 314
        ];
        var header = VirtioTunnelHeader.Read(wire);
        Assert.Equal(new VirtioNetHeader(1, 0x21, 98, 1448, 72, 16), header.Plain);
        Assert.Equal((ushort)34, header.OuterTransportOffset);
        Assert.Equal((ushort)314, header.InnerNetworkOffset);
    }

    [Fact]
    public void WriteTouchesExactly24Bytes()
    {
        var bytes = new byte[VirtioTunnelHeader.Size + 4];
        bytes.AsSpan().Fill(0xEE);
        Sample.Write(bytes);
        Assert.All(bytes[VirtioTunnelHeader.Size..], b => Assert.Equal(0xEE, b));
    }

    [Theory]
    [InlineData(VirtioNetHeader.GsoTcpV4 | VirtioTunnelHeader.GsoUdpTunnelV4, true, VirtioNetHeader.GsoTcpV4)]
    [InlineData(VirtioNetHeader.GsoTcpV6 | VirtioTunnelHeader.GsoUdpTunnelV4, true, VirtioNetHeader.GsoTcpV6)]
    [InlineData(VirtioNetHeader.GsoTcpV4 | VirtioTunnelHeader.GsoUdpTunnelV6, true, VirtioNetHeader.GsoTcpV4)]
    [InlineData(VirtioNetHeader.GsoUdpL4 | VirtioTunnelHeader.GsoUdpTunnelV6, true, VirtioNetHeader.GsoUdpL4)]
    [InlineData(VirtioNetHeader.GsoEcn | VirtioNetHeader.GsoTcpV4 | VirtioTunnelHeader.GsoUdpTunnelV4, true,
        VirtioNetHeader.GsoEcn | VirtioNetHeader.GsoTcpV4)] // ECN stays on the inner type
    [InlineData(VirtioNetHeader.GsoTcpV4, false, VirtioNetHeader.GsoTcpV4)]
    [InlineData(VirtioNetHeader.GsoUdpL4, false, VirtioNetHeader.GsoUdpL4)]
    [InlineData(VirtioNetHeader.GsoEcn | VirtioNetHeader.GsoTcpV6, false, VirtioNetHeader.GsoEcn | VirtioNetHeader.GsoTcpV6)]
    [InlineData(VirtioNetHeader.GsoNone, false, VirtioNetHeader.GsoNone)]
    public void IsTunnelGsoAndInnerGsoTypeSplitTheTunnelBitsOff(int gsoType, bool tunnel, int inner)
    {
        var header = new VirtioTunnelHeader(new VirtioNetHeader(VirtioNetHeader.FlagNeedsChecksum, (byte)gsoType, 0, 1400, 0, 0), 34, 64);
        Assert.Equal(tunnel, header.IsTunnelGso);
        Assert.Equal((byte)inner, header.InnerGsoType);
    }

    [Fact]
    public void TheTunnelBitsAreTheKernels()
    {
        // include/uapi/linux/virtio_net.h: VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4 0x20, _IPV6 0x40,
        // VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM 8.
        Assert.Equal(0x20, VirtioTunnelHeader.GsoUdpTunnelV4);
        Assert.Equal(0x40, VirtioTunnelHeader.GsoUdpTunnelV6);
        Assert.Equal(0x60, VirtioTunnelHeader.GsoUdpTunnelMask);
        Assert.Equal(8, VirtioTunnelHeader.FlagUdpTunnelChecksum);
        Assert.Equal(24, VirtioTunnelHeader.Size);
    }

    [Fact]
    public void ShortSpansAreACallerBug()
    {
        Assert.Throws<ArgumentException>(() => VirtioTunnelHeader.Read(new byte[VirtioTunnelHeader.Size - 1]));
        Assert.Throws<ArgumentException>(() => Sample.Write(new byte[VirtioTunnelHeader.Size - 1]));
    }
}
