using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

public sealed class GroFlowTableTests
{
    private static readonly FrameSpec Base = new() { Payload = 1000, TcpOptions = FrameSpec.Timestamps(7, 8) };

    private static FrameSpec Flow(int n) => Base with { SourcePort = (ushort)(40000 + n), Sequence = (uint)(n * 1_000_000) };

    [Fact]
    public void InterleavedFlowsEachCoalesce()
    {
        var a = GroRig.Segments(Flow(1) with { Payload = 3000 }, 1000);
        var b = GroRig.Segments(Flow(2) with { Payload = 3000, V6 = true }, 1000);
        var emitted = new GroRig().Run(a[0], b[0], a[1], b[1], a[2], b[2]);
        Assert.Equal(2, emitted.Count);
        GroRig.Equal(GroRig.Merged(Flow(1) with { Payload = 3000 }, 1000), emitted[0]);
        GroRig.Equal(GroRig.Merged(Flow(2) with { Payload = 3000, V6 = true }, 1000), emitted[1]);
    }

    [Fact]
    public void MoreFlowsThanSlotsEvictTheOldestAndKeepEachFlowInOrder()
    {
        const int flows = 11;
        var rig = new GroRig(maxFlows: 4);
        var frames = new List<byte[]>();
        for (int round = 0; round < 3; round++)
            for (int f = 0; f < flows; f++)
                frames.Add(GroRig.Segments(Flow(f) with { Payload = 3000 }, 1000)[round]);
        var emitted = rig.Run([.. frames]);

        // Round robin over 11 flows with 4 slots: nothing can merge; every flow's segments leave in order.
        Assert.Equal(33, emitted.Count);
        for (int f = 0; f < flows; f++)
        {
            var seqs = emitted.Where(e => BinaryPrimitives.ReadUInt16BigEndian(e.Bytes.AsSpan(34)) == 40000 + f)
                .Select(e => BinaryPrimitives.ReadUInt32BigEndian(e.Bytes.AsSpan(38))).ToList();
            Assert.Equal(seqs.Order().ToList(), seqs);
            Assert.Equal(3, seqs.Count);
        }
    }

    [Fact]
    public void EightFlowsFitTheDefaultTable()
    {
        var frames = new List<byte[]>();
        for (int round = 0; round < 4; round++)
            for (int f = 0; f < 8; f++)
                frames.Add(GroRig.Segments(Flow(f) with { Payload = 4000 }, 1000)[round]);
        var emitted = new GroRig().Run([.. frames]);
        Assert.Equal(8, emitted.Count);
        for (int f = 0; f < 8; f++) GroRig.Equal(GroRig.Merged(Flow(f) with { Payload = 4000 }, 1000), emitted[f]);
    }

    [Theory]
    [InlineData(TcpFlags.Psh)]
    [InlineData(TcpFlags.Fin)]
    [InlineData(TcpFlags.Psh | TcpFlags.Fin)]
    public void PshOrFinEndsTheSuperFrameAndIsKept(TcpFlags end)
    {
        var spec = Base with { Payload = 3000, Flags = TcpFlags.Ack | end };
        var segs = GroRig.Segments(spec, 1000);
        byte[] next = FrameBuilder.Build(Base with { Sequence = spec.Sequence + 3000, PatternOffset = 3000, IpId = (ushort)(spec.IpId + 3) });
        var rig = new GroRig();
        Assert.Equal(GroAddResult.Held, rig.Add(segs[0]));
        Assert.Equal(GroAddResult.Merged, rig.Add(segs[1]));
        Assert.Equal(GroAddResult.Merged, rig.Add(segs[2]));
        Assert.Equal(0, rig.Gro.OpenFlows);
        Assert.Equal(GroAddResult.Held, rig.Add(next));
        Assert.True(rig.Gro.Flush());
        var emitted = rig.Drain();
        GroRig.Equal(GroRig.Merged(spec, 1000), emitted[0]);
        GroRig.Equal(GroRig.Single(next), emitted[1]);
    }

    [Fact]
    public void ALonePshSegmentIsNotHeld()
    {
        var rig = new GroRig();
        Assert.Equal(GroAddResult.PassedThrough, rig.Add(FrameBuilder.Build(Base with { Flags = TcpFlags.Ack | TcpFlags.Psh })));
        Assert.Equal(0, rig.Gro.OpenFlows);
        Assert.Single(rig.Drain());
    }

    [Fact]
    public void APureAckOfTheSameFlowFlushesItFirst()
    {
        var segs = GroRig.Segments(Base with { Payload = 3000 }, 1000);
        byte[] ack = FrameBuilder.Build(Base with { Payload = 0, Sequence = Base.Sequence + 2000, IpId = (ushort)(Base.IpId + 2) });
        var emitted = new GroRig().Run(segs[0], segs[1], ack, segs[2]);
        Assert.Equal(3, emitted.Count);
        GroRig.Equal(GroRig.Merged(Base with { Payload = 2000 }, 1000), emitted[0]);
        GroRig.Equal(GroRig.Single(ack), emitted[1]);
        GroRig.Equal(GroRig.Single(segs[2]), emitted[2]);
    }

    [Fact]
    public void AFixedIpIdWithDfMerges()
    {
        var spec = Base with { Payload = 4000 };
        var segs = Enumerable.Range(0, 4).Select(i => FrameBuilder.Build(FrameBuilder.SegmentSpec(spec, 1000, i) with { IpId = 0 })).ToArray();
        var emitted = Assert.Single(new GroRig().Run(segs));
        GroRig.Equal(GroRig.Merged(spec with { IpId = 0 }, 1000), emitted);
    }

    [Fact]
    public void AFixedIdFlowDoesNotAcceptAnIncrementLater()
    {
        var spec = Base with { Payload = 3000 };
        var segs = Enumerable.Range(0, 3).Select(i => FrameBuilder.Build(FrameBuilder.SegmentSpec(spec, 1000, i) with { IpId = (ushort)(i == 2 ? 2 : 0) })).ToArray();
        var emitted = new GroRig().Run(segs);
        Assert.Equal(2, emitted.Count);
        Assert.Equal(Base.HeaderLength + 2000, emitted[0].Bytes.Length);
        GroRig.Equal(GroRig.Single(segs[2]), emitted[1]);
    }

    [Fact]
    public void TheIpLengthStaysWithin65535()
    {
        // 20 + 32 + 45 * 1448 = 65212: a 46th segment would pass 65535.
        var spec = Base with { Payload = 50 * 1448 };
        var emitted = new GroRig().Run(GroRig.Segments(spec, 1448));
        Assert.Equal(2, emitted.Count);
        Assert.Equal(14 + 20 + 32 + 45 * 1448, emitted[0].Bytes.Length);
        Assert.Equal(14 + 20 + 32 + 5 * 1448, emitted[1].Bytes.Length);
        Assert.All(emitted, e => Assert.Equal(VirtioNetHeader.GsoTcpV4, e.Header.GsoType));
    }

    [Fact]
    public void WithoutLargeBuffersFramesPassUnmerged()
    {
        var segs = GroRig.Segments(Base with { Payload = 3000 }, 1000);
        var emitted = new GroRig(largeBuffers: 0).Run(segs);
        Assert.Equal(3, emitted.Count);
        for (int i = 0; i < 3; i++) GroRig.Equal(GroRig.Single(segs[i]), emitted[i]);
    }

    [Fact]
    public void AFullOutputRefusesTheFrameWithoutTakingIt()
    {
        var rig = new GroRig(maxFlows: 2, outputCapacity: 4);
        var udp = FrameBuilder.Build(Base with { Udp = true });
        for (int i = 0; i < 3; i++) Assert.Equal(GroAddResult.PassedThrough, rig.Add(udp));
        Assert.Equal(GroAddResult.OutputFull, rig.Add(FrameBuilder.Build(Flow(1)))); // the rig returns a refused buffer itself
        Assert.Equal(3, rig.Pool.Outstanding);
        Assert.Equal(3, rig.Drain().Count);
        Assert.Equal(GroAddResult.Held, rig.Add(FrameBuilder.Build(Flow(1))));
        Assert.True(rig.Gro.Flush());
        Assert.Single(rig.Drain());
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void FlushReportsWhenTheOutputRanOut()
    {
        var rig = new GroRig(maxFlows: 4, outputCapacity: 6);
        for (int f = 0; f < 4; f++) Assert.Equal(GroAddResult.Held, rig.Add(FrameBuilder.Build(Flow(f))));
        var udp = FrameBuilder.Build(Base with { Udp = true });
        for (int i = 0; i < 4; i++) Assert.Equal(GroAddResult.PassedThrough, rig.Add(udp));
        Assert.False(rig.Gro.Flush());
        Assert.Equal(6, rig.Drain().Count);
        Assert.True(rig.Gro.Flush());
        Assert.Equal(2, rig.Drain().Count);
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void DiscardReturnsOpenBuffers()
    {
        var rig = new GroRig();
        var segs = GroRig.Segments(Base with { Payload = 2000 }, 1000);
        rig.Add(segs[0]);
        rig.Add(segs[1]);
        rig.Add(FrameBuilder.Build(Flow(3)));
        Assert.Equal(2, rig.Gro.OpenFlows);
        rig.Gro.Discard();
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void ConstructorRejectsAnOutputThatCannotTakeAFlush()
    {
        var pool = new PacketBufferPool(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroCoalescer(pool, 9, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroCoalescer(pool, 10, 0));
        _ = new GroCoalescer(pool, 10, 8);
    }
}
