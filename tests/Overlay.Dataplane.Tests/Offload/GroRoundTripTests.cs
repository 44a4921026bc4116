using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>Segmenting a super-frame (TSO or USO) and coalescing the segments gives back the super-frame, byte for
/// byte, in the CHECKSUM_PARTIAL convention, with the header the kernel would have given it.</summary>
public sealed class GroRoundTripTests
{
    public static IEnumerable<object[]> Cases() => OffloadCases.Tcp().Concat(OffloadCases.Udp());

    [Theory]
    [MemberData(nameof(Cases))]
    public void SegmentThenCoalesceRestoresTheSuperFrame(string name)
    {
        var (spec, gso) = OffloadCases.All[name];
        byte[] super = FrameBuilder.Build(spec, partial: true);
        var header = FrameBuilder.GsoHeader(spec, gso);
        var pool = new PacketBufferPool(256, largeCount: 2);
        var segments = new PacketBatch(256);
        var gro = new GroCoalescer(pool, 64, coalesceUdp: true);

        var result = new GsoSegmenter(pool).Segment(super, header, segments);
        Assert.True(result.IsOk);
        for (int i = 0; i < segments.Count; i++)
        {
            var added = gro.Add(segments.Handles[i], segments.Offsets[i], segments.Lengths[i]);
            Assert.Equal(i == 0 ? GroAddResult.Held : GroAddResult.Merged, added);
        }
        segments.Count = 0; // ownership passed to the coalescer
        Assert.True(gro.Flush());

        Assert.Equal(1, gro.Output.Count);
        Assert.True(pool.IsLarge(gro.Output.Handles[0]));
        Assert.Equal(super, gro.Output.Packet(pool, 0).ToArray());
        Assert.Equal(header, gro.Headers[0]);
        gro.Output.ReturnAll(pool);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void TheResultVerifiesOnceTheKernelCompletesTheChecksum()
    {
        var (spec, gso) = OffloadCases.All["v6 vlan psh fin"];
        var rig = new GroRig();
        var emitted = Assert.Single(rig.Run(GroRig.Segments(spec, gso)));
        byte[] frame = emitted.Bytes;
        Assert.Equal(GsoStatus.Ok, GsoSegmenter.CompleteChecksum(frame, emitted.Header));
        Assert.Equal(FrameBuilder.Build(spec), frame);
        Assert.True(FrameBuilder.L4ChecksumValid(frame, spec));
    }

    [Fact]
    public void AFlowSplitAcrossBatchesGivesOneSuperFramePerBatch()
    {
        var spec = new FrameSpec { Payload = 10 * 1000 };
        var segs = GroRig.Segments(spec, 1000);
        var rig = new GroRig();
        var first = rig.Run(segs[..4]);
        var second = rig.Run(segs[4..]);
        GroRig.Equal(GroRig.Merged(spec with { Payload = 4000 }, 1000), Assert.Single(first));
        var rest = spec with { Payload = 6000, PatternOffset = 4000, Sequence = unchecked(spec.Sequence + 4000), IpId = unchecked((ushort)(spec.IpId + 4)) };
        GroRig.Equal(GroRig.Merged(rest, 1000), Assert.Single(second));
    }

    [Fact]
    public void TheEcnGsoBitFollowsCwrOnTheFirstSegment()
    {
        var spec = new FrameSpec { Payload = 3000, Flags = TcpFlags.Ack | TcpFlags.Cwr | TcpFlags.Ece };
        var emitted = Assert.Single(new GroRig().Run(GroRig.Segments(spec, 1000)));
        Assert.Equal(VirtioNetHeader.GsoTcpV4 | VirtioNetHeader.GsoEcn, emitted.Header.GsoType);
        GroRig.Equal(GroRig.Merged(spec, 1000), emitted);
    }
}
