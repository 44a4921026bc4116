using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

public sealed class GsoSegmenterTests
{
    private static PacketBufferPool NewPool(int small = 512) => new(small, largeCount: 2);

    public static IEnumerable<object[]> Cases() => OffloadCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void EverySegmentIsByteExactAndItsChecksumsVerify(string name)
    {
        var (spec, gso) = OffloadCases.All[name];
        var pool = NewPool();
        var output = new PacketBatch(512);
        byte[] super = FrameBuilder.Build(spec, partial: true);

        var result = new GsoSegmenter(pool).Segment(super, FrameBuilder.GsoHeader(spec, gso), output);

        int count = (spec.Payload + gso - 1) / gso;
        Assert.Equal(new GsoResult(GsoStatus.Ok, count), result);
        Assert.Equal(count, output.Count);
        for (int i = 0; i < count; i++)
        {
            FrameSpec expectedSpec = FrameBuilder.SegmentSpec(spec, gso, i);
            Span<byte> actual = output.Packet(pool, i);
            Assert.Equal(PacketBufferPool.Headroom, output.Offsets[i]);
            Assert.False(pool.IsLarge(output.Handles[i]));
            Assert.Equal(FrameBuilder.Build(expectedSpec), actual.ToArray());
            AssertFields(actual, expectedSpec, spec, gso, i, count);
        }
        output.ReturnAll(pool);
        Assert.Equal(0, pool.Outstanding);
    }

    /// <summary>Field by field through the header views, so a builder bug cannot hide a segmenter bug.</summary>
    private static void AssertFields(Span<byte> frame, FrameSpec s, FrameSpec super, int gso, int index, int count)
    {
        Assert.True(EthernetView.TryParse(frame, out var eth));
        Assert.Equal(s.VlanTci != 0, eth.HasVlanTag);
        Span<byte> l4;
        if (s.V6)
        {
            Assert.True(Ipv6View.TryParse(eth.Payload, out var ip6));
            Assert.Equal(frame.Length - s.L2Length - 40, ip6.PayloadLength);
            Assert.Equal(s.FlowLabel, ip6.FlowLabel);
            l4 = ip6.Payload;
        }
        else
        {
            Assert.True(Ipv4View.TryParse(eth.Payload, out var ip4));
            Assert.Equal(frame.Length - s.L2Length, ip4.TotalLength);
            Assert.Equal(unchecked((ushort)(super.IpId + index)), ip4.Identification);
            Assert.True(ip4.IsHeaderChecksumValid());
            Assert.Equal(s.DontFragment, ip4.DontFragment);
            l4 = ip4.Payload;
        }
        if (s.Udp)
        {
            Assert.True(UdpView.TryParse(l4, out var udp));
            Assert.Equal(l4.Length, udp.Length);
            Assert.Equal(Math.Min(gso, super.Payload - index * gso) + 8, udp.Length);
        }
        else
        {
            Assert.True(TcpView.TryParse(l4, out var tcp));
            Assert.Equal(unchecked(super.Sequence + (uint)(index * gso)), tcp.SequenceNumber);
            bool last = index == count - 1;
            Assert.Equal(last && super.Flags.HasFlag(TcpFlags.Psh), tcp.HasFlags(TcpFlags.Psh));
            Assert.Equal(last && super.Flags.HasFlag(TcpFlags.Fin), tcp.HasFlags(TcpFlags.Fin));
            Assert.Equal(index == 0 && super.Flags.HasFlag(TcpFlags.Cwr), tcp.HasFlags(TcpFlags.Cwr));
            Assert.Equal(super.Flags & (TcpFlags.Urg | TcpFlags.Ece | TcpFlags.Ack), tcp.Flags & (TcpFlags.Urg | TcpFlags.Ece | TcpFlags.Ack));
            Assert.Equal(super.UrgentPointer, tcp.UrgentPointer); // copied as the kernel does
            Assert.Equal(super.Window, tcp.Window);
            Assert.Equal(super.TcpOptions, tcp.Options.ToArray());
        }
        Assert.True(FrameBuilder.L4ChecksumValid(frame, s));
    }

    [Fact]
    public void HdrLenIsNotTrusted()
    {
        var (spec, gso) = OffloadCases.All["v4 vlan ts"];
        byte[] super = FrameBuilder.Build(spec, partial: true);
        var pool = NewPool();
        var output = new PacketBatch(64);
        // The FORWARD path reports the whole first skb as hdr_len.
        var header = FrameBuilder.GsoHeader(spec, gso) with { HeaderLength = 1500 };
        Assert.True(new GsoSegmenter(pool).Segment(super, header, output).IsOk);
        Assert.Equal(FrameBuilder.Build(FrameBuilder.SegmentSpec(spec, gso, 0)), output.Packet(pool, 0).ToArray());
        output.ReturnAll(pool);
    }

    [Fact]
    public void WithoutNeedsCsumTheChecksumFieldsAreIgnoredAndStillComputed()
    {
        var spec = new FrameSpec { Payload = 3000 };
        byte[] super = FrameBuilder.Build(spec);
        super[spec.L2Length + 20 + 16] ^= 0x55; // garbage in the super-frame's checksum field
        var header = FrameBuilder.GsoHeader(spec, 1000) with { Flags = 0, ChecksumStart = 0, ChecksumOffset = 0 };
        var pool = NewPool();
        var output = new PacketBatch(8);
        Assert.Equal(3, new GsoSegmenter(pool).Segment(super, header, output).Segments);
        for (int i = 0; i < 3; i++) Assert.Equal(FrameBuilder.Build(FrameBuilder.SegmentSpec(spec, 1000, i)), output.Packet(pool, i).ToArray());
        output.ReturnAll(pool);
    }

    [Fact]
    public void EthernetPaddingAfterTheIpPacketIsNotPayload()
    {
        var spec = new FrameSpec { Payload = 2500 };
        byte[] super = [.. FrameBuilder.Build(spec, partial: true), 0xEE, 0xEE, 0xEE];
        var pool = NewPool();
        var output = new PacketBatch(8);
        Assert.Equal(3, new GsoSegmenter(pool).Segment(super, FrameBuilder.GsoHeader(spec, 1000), output).Segments);
        Assert.Equal(FrameBuilder.Build(FrameBuilder.SegmentSpec(spec, 1000, 2)), output.Packet(pool, 2).ToArray());
        output.ReturnAll(pool);
    }
}
