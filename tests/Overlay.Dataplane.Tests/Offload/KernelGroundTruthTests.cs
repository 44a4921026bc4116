using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>
/// Ground truth from the running kernel (see <see cref="KernelRigScripts"/>): the segmenter must cut the super-frames
/// the kernel's TCP stack built exactly as the kernel's own software GSO did, byte for byte; the coalescer must merge
/// those segments exactly as the kernel's GRO did; and CompleteChecksum must give the checksums the kernel gave.
/// </summary>
public sealed class KernelGroundTruthTests : IClassFixture<KernelRig>
{
    private readonly KernelRig _rig;

    public KernelGroundTruthTests(KernelRig rig) => _rig = rig;

    /// <summary>The run of R's data segments that starts at <paramref name="sequence"/> at or after
    /// <paramref name="cursor"/> and covers <paramref name="length"/> bytes. Walking in capture order matches each
    /// super-frame with its own segments even when TCP retransmitted some of them later.</summary>
    private List<KernelRig.Captured> DataSegments(ref int cursor, ushort port, uint sequence, int length)
    {
        var segments = _rig.Segments;
        int i = cursor;
        while (i < segments.Count && !(segments[i].Payload > 0 && segments[i].DestinationPort == port && segments[i].Sequence == sequence)) i++;
        var run = new List<KernelRig.Captured>();
        uint next = sequence;
        for (; i < segments.Count && next != unchecked(sequence + (uint)length); i++)
        {
            var s = segments[i];
            if (s.Payload == 0 || s.DestinationPort != port) continue;
            if (s.Sequence != next) break;
            run.Add(s);
            next = unchecked(next + (uint)s.Payload);
        }
        cursor = i;
        return run;
    }

    [Fact]
    public void TheCaptureIsComplete()
    {
        Assert.Equal("000", _rig.Drops);
        Assert.Equal(["listening", "400000", "300000"], _rig.Received.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(_rig.SuperFrames, f => f.Header.GsoSize == 1448);
        Assert.Contains(_rig.SuperFrames, f => f.Header.GsoSize == 1325); // TCP_MAXSEG 1337 minus timestamps
    }

    [Fact]
    public void SegmenterMatchesTheKernelsGsoByteForByte()
    {
        var pool = new PacketBufferPool(256);
        var output = new PacketBatch(256);
        var segmenter = new GsoSegmenter(pool);
        int superFrames = 0, compared = 0, cursor = 0;
        foreach (var super in _rig.SuperFrames.Where(f => f.Header.IsGso))
        {
            var expected = DataSegments(ref cursor, super.DestinationPort, super.Sequence, super.Payload);
            Assert.Equal((super.Payload + super.Header.GsoSize - 1) / super.Header.GsoSize, expected.Count);

            // What R forwarded: its own MACs, TTL one less. (Both IPv4 checksums are recomputed per segment.)
            byte[] forwarded = [.. super.Frame];
            expected[0].Frame.AsSpan(0, 12).CopyTo(forwarded);
            forwarded[14 + 8]--;

            var result = segmenter.Segment(forwarded, super.Header, output);
            Assert.Equal(new GsoResult(GsoStatus.Ok, expected.Count), result);
            for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Frame, output.Packet(pool, i).ToArray());
            output.ReturnAll(pool);
            superFrames++;
            compared += expected.Count;
        }
        Assert.True(superFrames >= 10, $"only {superFrames} super-frames");
        Assert.True(compared >= 200, $"only {compared} segments");
    }

    [Fact]
    public void CoalescerMatchesTheKernelsGroByteForByte()
    {
        var pool = new PacketBufferPool(256, largeCount: 2);
        var gro = new GroCoalescer(pool, 256);
        int merged = 0, cursor = 0;
        foreach (var kernel in _rig.Coalesced.Where(f => f.Header.IsGso))
        {
            foreach (var segment in DataSegments(ref cursor, kernel.DestinationPort, kernel.Sequence, kernel.Payload))
            {
                Assert.True(pool.TryRent(out int handle));
                segment.Frame.CopyTo(pool.Span(handle).Slice(PacketBufferPool.Headroom));
                Assert.NotEqual(GroAddResult.OutputFull, gro.Add(handle, PacketBufferPool.Headroom, segment.Frame.Length));
            }
            Assert.True(gro.Flush());
            Assert.Equal(1, gro.Output.Count);
            Assert.Equal(kernel.Frame, gro.Output.Packet(pool, 0).ToArray());
            // hdr_len is the kernel's skb_headlen, a hint; everything else must agree.
            Assert.Equal(kernel.Header with { HeaderLength = 0 }, gro.Headers[0] with { HeaderLength = 0 });
            gro.Output.ReturnAll(pool);
            merged++;
        }
        Assert.True(merged >= 10, $"only {merged} GRO super-frames");
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void CompleteChecksumMatchesTheKernel()
    {
        int compared = 0, cursor = 0;
        foreach (var partial in _rig.SuperFrames.Where(f => !f.Header.IsGso && f.Header.NeedsChecksum))
        {
            byte[] frame = [.. partial.Frame];
            Assert.Equal(GsoStatus.Ok, GsoSegmenter.CompleteChecksum(frame, partial.Header));
            int l4 = partial.Header.ChecksumStart;
            // The same segment after forwarding: same ports, sequence, ack, flags and length (TTL and MACs differ).
            while (cursor < _rig.Segments.Count && !SameSegment(_rig.Segments[cursor].Frame, frame, l4)) cursor++;
            Assert.True(cursor < _rig.Segments.Count, "R did not forward a partial-checksum frame");
            Assert.Equal(_rig.Segments[cursor].Frame[l4..], frame[l4..]);
            cursor++;
            compared++;
        }
        Assert.True(compared >= 4, $"only {compared} partial-checksum frames");
    }

    private static bool SameSegment(byte[] kernel, byte[] ours, int l4) =>
        kernel.Length == ours.Length
        && kernel.AsSpan(l4, 14).SequenceEqual(ours.AsSpan(l4, 14)); // ports, seq, ack, data offset, flags
}
