using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;
using Overlay.Testing;

namespace Overlay.Dataplane.Tests.Vxlan;

public sealed class VxlanEncapsulatorTests
{
    private static readonly MacAddress A = MacAddress.Parse("02:00:00:00:00:0a");
    private static readonly MacAddress B = MacAddress.Parse("02:00:00:00:00:0b");

    private static (byte[] buffer, int start, int length) Encap(VxlanSettings s, byte[] frame, string remote, uint vni = 0x123456)
    {
        var buffer = new byte[PacketBufferPool.Headroom + frame.Length];
        frame.CopyTo(buffer, PacketBufferPool.Headroom);
        var e = new VxlanEncapsulator(s);
        int start = e.Encapsulate(buffer, PacketBufferPool.Headroom, frame.Length, vni, IpAddr.Parse(remote), FlowHash.Compute(frame));
        Assert.True(start >= 0);
        return (buffer, start, buffer.Length - start);
    }

    [Fact]
    public void Ipv4OuterHeaderIsByteExact()
    {
        var frame = Frames.Udp4(B, A, 0xC6130001, 0xC6130002, 1111, 2222, 30, tos: 0xB8 | 3, ttl: 9);
        var s = new VxlanSettings { LocalV4 = IpAddr.Parse("198.18.0.1"), SourcePortMin = 50000, SourcePortMax = 50000, Tos = 0x20, Ttl = 33, Df = DfMode.Set };
        var (buf, start, len) = Encap(s, frame, "198.18.0.2");
        var outer = buf.AsSpan(start, len);
        Assert.Equal(20 + 8 + 8 + frame.Length, len);
        byte[] expectedHead =
        [
            0x45, 0x20 | 0x02, 0, (byte)(len), 0x00, 0x00, 0x40, 0x00, 33, 17, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2, // IPv4, CE inner -> ECT(0) outer
            0xC3, 0x50, 0x12, 0xB5, 0, (byte)(len - 20), 0, 0,                                                  // UDP 50000 -> 4789
            0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0,                                                                  // VXLAN I flag, VNI
        ];
        var head = outer.Slice(0, 36).ToArray();
        head[10] = head[11] = 0; // checksums checked separately
        head[26] = head[27] = 0;
        Assert.Equal(expectedHead, head);
        Assert.True(InternetChecksum.IsValid(outer.Slice(0, 20)));
        ulong pseudo = InternetChecksum.PseudoHeaderV4(0xC6120001, 0xC6120002, 17, len - 20);
        Assert.True(InternetChecksum.IsValid(outer.Slice(20), pseudo));
        Assert.Equal(frame, outer.Slice(36).ToArray());
    }

    [Fact]
    public void Ipv4ChecksumOffWritesZero()
    {
        var frame = Frames.Raw(B, A);
        var (buf, start, _) = Encap(new VxlanSettings { LocalV4 = IpAddr.Parse("198.18.0.1"), UdpChecksumV4 = false }, frame, "198.18.0.2");
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(buf.AsSpan(start + 26)));
    }

    [Fact]
    public void InheritCopiesInnerTtlTosAndDf()
    {
        var frame = Frames.Udp4(B, A, 1, 2, 3, 4, 10, tos: 0x48 | 1, ttl: 17, df: true);
        var s = new VxlanSettings { LocalV4 = IpAddr.Parse("198.18.0.1"), TtlInherit = true, TosInherit = true, Df = DfMode.Inherit };
        var (buf, start, _) = Encap(s, frame, "198.18.0.2");
        Assert.Equal(0x48 | 1, buf[start + 1]);
        Assert.Equal(17, buf[start + 8]);
        Assert.Equal(0x40, buf[start + 6]);
        var noDf = Frames.Udp4(B, A, 1, 2, 3, 4, 10, df: false);
        (buf, start, _) = Encap(s, noDf, "198.18.0.2");
        Assert.Equal(0, buf[start + 6]);
    }

    [Fact]
    public void Ipv6OuterHeaderIsByteExactAndChecksummed()
    {
        var frame = Frames.Raw(B, A, 100);
        var s = new VxlanSettings { LocalV6 = IpAddr.Parse("2001:2::1"), FlowLabel = 0xABCDE, Tos = 0x10 };
        var (buf, start, len) = Encap(s, frame, "2001:2::2", vni: 7);
        var outer = buf.AsSpan(start, len);
        Assert.Equal(40 + 16 + 100, len);
        Assert.Equal(0x610ABCDEu, BinaryPrimitives.ReadUInt32BigEndian(outer)); // version 6, TC 0x10, flow label
        Assert.Equal(len - 40, BinaryPrimitives.ReadUInt16BigEndian(outer.Slice(4)));
        Assert.Equal(17, outer[6]);
        Assert.Equal(64, outer[7]);
        Assert.Equal(IpAddr.Parse("2001:2::1"), IpAddr.ReadV6(outer.Slice(8)));
        Assert.Equal(IpAddr.Parse("2001:2::2"), IpAddr.ReadV6(outer.Slice(24)));
        ulong pseudo = InternetChecksum.PseudoHeaderV6(outer.Slice(8, 16), outer.Slice(24, 16), 17, len - 40);
        Assert.NotEqual(0, BinaryPrimitives.ReadUInt16BigEndian(outer.Slice(46)));
        Assert.True(InternetChecksum.IsValid(outer.Slice(40), pseudo));
        Assert.Equal(7u << 8, BinaryPrimitives.ReadUInt32BigEndian(outer.Slice(52)));
    }

    [Fact]
    public void MissingFamilyIsRefused()
    {
        var frame = Frames.Raw(B, A);
        var buffer = new byte[PacketBufferPool.Headroom + frame.Length];
        var e = new VxlanEncapsulator(new VxlanSettings { LocalV4 = IpAddr.Parse("198.18.0.1") });
        Assert.Equal(-1, e.Encapsulate(buffer, PacketBufferPool.Headroom, frame.Length, 1, IpAddr.Parse("2001:2::2"), 0));
    }

    [Fact]
    public void SourcePortStaysInRangeAndSpreadsFlows()
    {
        var ports = new HashSet<ushort>();
        for (ushort sp = 1; sp <= 200; sp++)
        {
            var frame = Frames.Udp4(B, A, 0xC6130001, 0xC6130002, sp, 80, 0);
            ushort p = FlowHash.SourcePort(FlowHash.Compute(frame), 40000, 40099);
            Assert.InRange(p, 40000, 40099);
            ports.Add(p);
            // The same flow always maps to the same port.
            Assert.Equal(p, FlowHash.SourcePort(FlowHash.Compute(frame), 40000, 40099));
        }
        Assert.True(ports.Count > 60, $"only {ports.Count} distinct ports for 200 flows");
    }
}
