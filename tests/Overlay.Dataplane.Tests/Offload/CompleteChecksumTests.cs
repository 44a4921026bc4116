using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

public sealed class CompleteChecksumTests
{
    public static IEnumerable<object[]> Specs() =>
    [
        [new FrameSpec { Payload = 1000 }],
        [new FrameSpec { Payload = 1, TcpOptions = FrameSpec.Timestamps(1, 2) }],
        [new FrameSpec { V6 = true, VlanTci = 9, Payload = 1443 }],
        [new FrameSpec { Udp = true, Payload = 777 }],
        [new FrameSpec { Udp = true, V6 = true, Payload = 0 }],
    ];

    [Theory]
    [MemberData(nameof(Specs))]
    public void APartialChecksumIsCompletedInPlace(FrameSpec spec)
    {
        byte[] frame = FrameBuilder.Build(spec, partial: true);
        var header = FrameBuilder.GsoHeader(spec, 0) with { GsoType = VirtioNetHeader.GsoNone };
        Assert.Equal(GsoStatus.Ok, GsoSegmenter.CompleteChecksum(frame, header));
        Assert.Equal(FrameBuilder.Build(spec), frame);
    }

    [Fact]
    public void WithoutNeedsCsumNothingChanges()
    {
        var spec = new FrameSpec { Payload = 100 };
        byte[] frame = FrameBuilder.Build(spec, partial: true);
        byte[] copy = [.. frame];
        Assert.Equal(GsoStatus.Ok, GsoSegmenter.CompleteChecksum(frame, new VirtioNetHeader(VirtioNetHeader.FlagDataValid, 0, 0, 0, 34, 16)));
        Assert.Equal(copy, frame);
    }

    [Theory]
    [InlineData(10, 16)]       // starts inside the Ethernet header
    [InlineData(34, 200)]      // field beyond the frame
    [InlineData(60000, 0)]
    public void OffsetsOutsideTheFrameAreMalformed(int start, int offset)
    {
        byte[] frame = FrameBuilder.Build(new FrameSpec { Payload = 100 }, partial: true);
        byte[] copy = [.. frame];
        var header = new VirtioNetHeader(VirtioNetHeader.FlagNeedsChecksum, 0, 0, 0, (ushort)start, (ushort)offset);
        Assert.Equal(GsoStatus.Malformed, GsoSegmenter.CompleteChecksum(frame, header));
        Assert.Equal(copy, frame);
    }
}
