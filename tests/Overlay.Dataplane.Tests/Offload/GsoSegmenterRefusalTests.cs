using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>Bad or unsupported input yields a status, appends nothing and leaves no buffer rented.</summary>
public sealed class GsoSegmenterRefusalTests
{
    private static readonly FrameSpec V4 = new() { Payload = 5000 };

    private static GsoStatus Run(byte[] frame, VirtioNetHeader header, int smallBuffers = 64, int batch = 64, int smallSize = PacketBufferPool.DefaultSmallSize)
    {
        var pool = new PacketBufferPool(smallBuffers, smallSize);
        var output = new PacketBatch(batch);
        output.Add(-7, 0, 0); // a packet already queued must survive a failure
        var result = new GsoSegmenter(pool).Segment(frame, header, output);
        if (result.IsOk)
        {
            Assert.Equal(1 + result.Segments, output.Count);
            for (int i = 1; i < output.Count; i++) pool.Return(output.Handles[i]);
        }
        else
        {
            Assert.Equal(0, result.Segments);
            Assert.Equal(1, output.Count);
            Assert.Equal(-7, output.Handles[0]);
        }
        Assert.Equal(0, pool.Outstanding);
        return result.Status;
    }

    private static VirtioNetHeader Header(FrameSpec s, int gso = 1448) => FrameBuilder.GsoHeader(s, gso);

    [Fact]
    public void GsoNoneIsNotGso() =>
        Assert.Equal(GsoStatus.NotGso, Run(FrameBuilder.Build(V4), Header(V4) with { GsoType = VirtioNetHeader.GsoNone }));

    [Theory]
    [InlineData(VirtioNetHeader.GsoUdp, GsoStatus.Unsupported)]           // UFO
    [InlineData(2, GsoStatus.Unsupported)]
    [InlineData(0x7F, GsoStatus.Unsupported)]
    [InlineData(VirtioNetHeader.GsoEcn, GsoStatus.Malformed)]             // ECN without a type
    [InlineData(VirtioNetHeader.GsoTcpV6, GsoStatus.Malformed)]           // IPv4 frame
    [InlineData(VirtioNetHeader.GsoUdpL4, GsoStatus.Malformed)]           // TCP frame
    public void TheGsoTypeMustNameTheFrame(byte gsoType, GsoStatus expected) =>
        Assert.Equal(expected, Run(FrameBuilder.Build(V4), Header(V4) with { GsoType = gsoType }));

    [Fact]
    public void UdpL4WithEcnIsMalformed()
    {
        var udp = V4 with { Udp = true };
        Assert.Equal(GsoStatus.Malformed, Run(FrameBuilder.Build(udp), Header(udp) with { GsoType = VirtioNetHeader.GsoUdpL4 | VirtioNetHeader.GsoEcn }));
    }

    [Fact]
    public void GsoSizeZeroIsMalformed() =>
        Assert.Equal(GsoStatus.Malformed, Run(FrameBuilder.Build(V4), Header(V4, gso: 0)));

    [Theory]
    [InlineData(33, 16)]
    [InlineData(34, 6)]
    [InlineData(0, 0)]
    public void ChecksumStartMustBeTheTransportHeader(ushort start, ushort offset) =>
        Assert.Equal(GsoStatus.Malformed, Run(FrameBuilder.Build(V4), Header(V4) with { ChecksumStart = start, ChecksumOffset = offset }));

    [Fact]
    public void TruncatedFramesAreMalformed()
    {
        byte[] frame = FrameBuilder.Build(V4);
        for (int length = 0; length < 14 + 20 + 20 + 1; length++) Assert.Equal(GsoStatus.Malformed, Run(frame[..length], Header(V4)));
        Assert.Equal(GsoStatus.Malformed, Run(frame[..^1], Header(V4))); // IP total length beyond the frame
    }

    [Fact]
    public void TcpDataOffsetBelowFiveIsMalformed()
    {
        byte[] frame = FrameBuilder.Build(V4);
        frame[14 + 20 + 12] = 0x40;
        Assert.Equal(GsoStatus.Malformed, Run(frame, Header(V4)));
    }

    [Fact]
    public void AFragmentIsMalformed()
    {
        var s = V4 with { MoreFragments = true };
        Assert.Equal(GsoStatus.Malformed, Run(FrameBuilder.Build(s), Header(s)));
    }

    [Fact]
    public void NoPayloadIsMalformed()
    {
        var s = V4 with { Payload = 0 };
        Assert.Equal(GsoStatus.Malformed, Run(FrameBuilder.Build(s), Header(s)));
    }

    [Fact]
    public void Ipv6ExtensionHeadersAreUnsupported()
    {
        var s = new FrameSpec { V6 = true, Payload = 3000 };
        byte[] frame = FrameBuilder.Build(s);
        frame[14 + 6] = 60; // destination options
        Assert.Equal(GsoStatus.Unsupported, Run(frame, Header(s)));
    }

    [Fact]
    public void QinQIsUnsupported()
    {
        var s = V4 with { VlanTci = 5 };
        byte[] frame = FrameBuilder.Build(s);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x88A8);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), 0x8100);
        Assert.Equal(GsoStatus.Unsupported, Run(frame, Header(s)));
    }

    [Fact]
    public void SegmentsLargerThanASmallBufferAreUnsupported() =>
        Assert.Equal(GsoStatus.Unsupported, Run(FrameBuilder.Build(V4), Header(V4, gso: 4000)));

    [Fact]
    public void NotEnoughBatchSlotsIsBatchFull() =>
        Assert.Equal(GsoStatus.BatchFull, Run(FrameBuilder.Build(V4), Header(V4), batch: 4)); // 1 queued + 4 needed > 4

    [Fact]
    public void NotEnoughBuffersIsNoBuffer() =>
        Assert.Equal(GsoStatus.NoBuffer, Run(FrameBuilder.Build(V4), Header(V4), smallBuffers: 3));

    [Fact]
    public void RandomGarbageNeverThrowsNorLeaks()
    {
        var random = new Random(1234);
        var pool = new PacketBufferPool(128);
        var output = new PacketBatch(128);
        var segmenter = new GsoSegmenter(pool);
        byte[] good = FrameBuilder.Build(V4 with { Payload = 3000 }, partial: true);
        var header = Header(V4);
        for (int round = 0; round < 20_000; round++)
        {
            byte[] frame = good[..random.Next(good.Length + 1)];
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips && frame.Length > 0; f++) frame[random.Next(Math.Min(frame.Length, 80))] = (byte)random.Next(256);
            var h = random.Next(4) == 0
                ? new VirtioNetHeader((byte)random.Next(4), (byte)random.Next(256), (ushort)random.Next(100), (ushort)random.Next(3000), (ushort)random.Next(60), (ushort)random.Next(20))
                : header;
            var result = segmenter.Segment(frame, h, output);
            Assert.Equal(result.Segments, output.Count);
            output.ReturnAll(pool);
            Assert.Equal(0, pool.Outstanding);
            _ = GsoSegmenter.CompleteChecksum(frame, h);
        }
    }
}
