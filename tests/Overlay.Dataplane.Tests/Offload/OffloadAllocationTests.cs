using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>After warm-up, segmenting and re-coalescing 10,000 super-frames allocates nothing.</summary>
public sealed class OffloadAllocationTests
{
    [Theory]
    [InlineData("v4 mss1448 short last")]
    [InlineData("v6 vlan psh fin")]
    [InlineData("udp4 short last")]
    [InlineData("udp4 64 x 64")]
    public void TenThousandSuperFramesAllocateNothing(string name)
    {
        var (spec, gso) = OffloadCases.All[name];
        byte[] super = FrameBuilder.Build(spec, partial: true);
        var header = FrameBuilder.GsoHeader(spec, gso);
        var pool = new PacketBufferPool(128, largeCount: 2);
        var segments = new PacketBatch(64);
        var segmenter = new GsoSegmenter(pool);
        var gro = new GroCoalescer(pool, 128, coalesceUdp: true);
        long frames = 0;

        void Run(int count)
        {
            for (int n = 0; n < count; n++)
            {
                var result = segmenter.Segment(super, header, segments);
                if (!result.IsOk) throw new InvalidOperationException(result.Status.ToString());
                for (int i = 0; i < segments.Count; i++)
                {
                    if (gro.Add(segments.Handles[i], segments.Offsets[i], segments.Lengths[i]) == GroAddResult.OutputFull)
                        throw new InvalidOperationException("output full");
                }
                segments.Count = 0;
                if (!gro.Flush()) throw new InvalidOperationException("flush incomplete");
                frames += gro.Output.Count;
                gro.Output.ReturnAll(pool);
            }
        }

        Run(500); // warm up: JIT tiers
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(0, pool.Outstanding);
        Assert.True(frames >= 10_500);
    }
}
