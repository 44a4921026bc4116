using System.Runtime.InteropServices;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Native;
using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Linux.Tap;

/// <summary>
/// The virtio-net header path (IFF_VNET_HDR with offloads). Reading: one read(2) returns a frame or a TCP/UDP
/// super-frame of up to 64 KB with a header saying how to split it; super-frames are segmented here into MTU-sized
/// frames with complete checksums, so the switch only ever sees ordinary frames. Writing: frames of one TCP flow,
/// and with USO of one UDP flow, are coalesced (GRO rules) into super-frames, each written with one write(2) and a
/// header that lets the kernel take it whole.
/// </summary>
public sealed unsafe partial class TapDevice
{
    /// <summary>Room for the largest frame the kernel hands over with TSO, plus the header.</summary>
    private const int ScratchBytes = VirtioNetHeader.Size + 65536 + 64;
    /// <summary>A super-frame needs this many free batch slots to be read: 64 KB in segments of at least 1 KB.</summary>
    private const int SegmentsReserve = 64;

    private byte* _scratch;
    private GsoSegmenter? _segmenter;
    private GroCoalescer? _coalescer;
    /// <summary>With <see cref="KeepsSuperFrames"/>: the large buffer the next frame is read into.</summary>
    private int _held = -1;

    /// <summary>Super-frames read are handed on whole (in a large buffer, with their virtio header in
    /// <see cref="PacketBatch.Headers"/>) instead of being segmented here: for a switch whose outside carries them.</summary>
    public bool KeepsSuperFrames { get; set; }

    /// <inheritdoc />
    public bool Accepts(in VirtioNetHeader header)
    {
        if (!header.IsGso && !header.NeedsChecksum) return true;
        if (!VnetHeader) return false;
        if (!header.IsGso) return (Offloads & TapOffloads.Checksum) != 0;
        return header.GsoKind switch
        {
            VirtioNetHeader.GsoTcpV4 or VirtioNetHeader.GsoTcpV6 => (Offloads & TapOffloads.Tso) != 0,
            VirtioNetHeader.GsoUdpL4 => (Offloads & TapOffloads.Uso) != 0,
            _ => false,
        };
    }

    /// <summary>The offloads in force (what the kernel accepted of what was asked).</summary>
    public TapOffloads Offloads { get; private set; }

    public bool VnetHeader => _scratch != null;

    /// <summary>Super-frames read and split into segments.</summary>
    public long RxSuperFrames { get; private set; }
    /// <summary>Frames dropped because the segmenter refused them: the sum of the four counts below, each of which
    /// <see cref="GsoDropReasons.For"/> names as a drop reason.</summary>
    public long RxSegmentErrors { get; private set; }
    /// <summary>Super-frames (or partial-checksum frames) whose headers contradict themselves or the virtio header
    /// (<see cref="GsoStatus.Malformed"/>).</summary>
    public long RxSegmentMalformed { get; private set; }
    /// <summary>Super-frames segmentation does not handle (<see cref="GsoStatus.Unsupported"/>).</summary>
    public long RxSegmentUnsupported { get; private set; }
    /// <summary>Super-frames dropped because the pool had fewer free buffers than segments (<see cref="GsoStatus.NoBuffer"/>).</summary>
    public long RxSegmentNoBuffer { get; private set; }
    /// <summary>Super-frames with more segments than the batch had room for (<see cref="GsoStatus.BatchFull"/>).</summary>
    public long RxSegmentBatchFull { get; private set; }
    /// <summary>Super-frames written (coalesced from several frames).</summary>
    public long TxSuperFrames { get; private set; }

    /// <summary>Asks for <paramref name="wanted"/>, dropping what the kernel refuses (USO first, then TSO).</summary>
    private static TapOffloads Negotiate(int fd, TapOffloads wanted)
    {
        foreach (var attempt in new[] { wanted, wanted & ~TapOffloads.Uso, wanted & ~(TapOffloads.Uso | TapOffloads.Tso), TapOffloads.None })
        {
            uint flags = 0;
            if (attempt != TapOffloads.None) flags |= Tun.TUN_F_CSUM;
            if ((attempt & TapOffloads.Tso) != 0) flags |= Tun.TUN_F_TSO4 | Tun.TUN_F_TSO6 | Tun.TUN_F_TSO_ECN;
            if ((attempt & TapOffloads.Uso) != 0) flags |= Tun.TUN_F_USO4 | Tun.TUN_F_USO6;
            if (Libc.Ioctl(fd, Tun.TUNSETOFFLOAD, (void*)(nuint)flags) == 0) return attempt == TapOffloads.None ? attempt : attempt | TapOffloads.Checksum;
        }
        return TapOffloads.None;
    }

    private void EnableVnet(TapOffloads offloads)
    {
        Offloads = offloads;
        _scratch = (byte*)NativeMemory.AlignedAlloc(ScratchBytes, 64);
    }

    private int ReadVnet(PacketBufferPool pool, PacketBatch batch)
    {
        _segmenter ??= new GsoSegmenter(pool);
        int added = 0;
        while (batch.Free >= SegmentsReserve || (batch.Free > 0 && (Offloads & (TapOffloads.Tso | TapOffloads.Uso)) == 0))
        {
            // With KeepsSuperFrames the frame lands in a large pool buffer, ready to be handed on without a copy.
            if (KeepsSuperFrames && _held < 0 && !pool.TryRentLarge(out _held)) _held = -1;
            bool held = KeepsSuperFrames && _held >= 0;
            byte* target = held ? pool.Pointer(_held) + PacketBufferPool.Headroom - VirtioNetHeader.Size : _scratch;
            int capacity = held ? Math.Min(ScratchBytes, pool.LargeSize - PacketBufferPool.Headroom + VirtioNetHeader.Size) : ScratchBytes;
            nint n = Libc.Read(_fd, target, (nuint)capacity);
            if (n <= 0)
            {
                if (n < 0)
                {
                    int errno = Errno.Last;
                    if (errno == Errno.EINTR) continue;
                    if (errno != Errno.EAGAIN)
                    {
                        RxErrors++;
                        LastErrno = errno;
                    }
                }
                break;
            }
            if (n <= VirtioNetHeader.Size || n >= capacity)
            {
                RxTruncated++;
                continue;
            }
            var header = VirtioNetHeader.Read(new ReadOnlySpan<byte>(target, VirtioNetHeader.Size));
            var frame = new Span<byte>(target + VirtioNetHeader.Size, (int)n - VirtioNetHeader.Size);
            RxBytes += frame.Length;
            if (header.IsGso && held)
            {
                batch.Add(_held, PacketBufferPool.Headroom, frame.Length, header);
                _held = -1;
                RxSuperFrames++;
                added++;
                continue;
            }
            if (header.IsGso)
            {
                var result = _segmenter.Segment(frame, header, batch);
                if (!result.IsOk)
                {
                    CountSegmentError(result.Status);
                    continue;
                }
                RxSuperFrames++;
                added += result.Segments;
                continue;
            }
            if (header.NeedsChecksum)
            {
                GsoStatus status = GsoSegmenter.CompleteChecksum(frame, header);
                if (status != GsoStatus.Ok)
                {
                    CountSegmentError(status);
                    continue;
                }
            }
            if (frame.Length > pool.SmallFrameCapacity)
            {
                RxTruncated++;
                continue;
            }
            if (!pool.TryRent(out int handle))
            {
                RxNoBuffers++;
                break;
            }
            frame.CopyTo(pool.Span(handle).Slice(PacketBufferPool.Headroom));
            batch.Add(handle, PacketBufferPool.Headroom, frame.Length);
            added++;
        }
        RxFrames += added;
        return added;
    }

    private int WriteVnet(PacketBufferPool pool, PacketBatch batch)
    {
        var gro = _coalescer ??= new GroCoalescer(pool, outputCapacity: 256, coalesceUdp: (Offloads & TapOffloads.Uso) != 0);
        int count = batch.Count;
        int failed = 0;
        for (int i = 0; i < count; i++)
        {
            ref readonly var header = ref batch.Headers[i];
            if (header.IsGso || header.NeedsChecksum)
            {
                // Already a super-frame (or a partial checksum): what GRO holds leaves first, to keep the order.
                failed += FlushCoalescer(pool, gro);
                failed += WriteWhole(pool, batch.Handles[i], batch.Offsets[i], batch.Lengths[i], header);
                continue;
            }
            while (gro.Add(batch.Handles[i], batch.Offsets[i], batch.Lengths[i]) == GroAddResult.OutputFull)
            {
                failed += WriteOutput(pool, gro);
            }
        }
        batch.Count = 0;
        failed += FlushCoalescer(pool, gro);
        int written = Math.Max(0, count - failed);
        TxFrames += written;
        return written;
    }

    /// <summary>Writes the coalescer's output, each frame behind its virtio header in the headroom, and returns
    /// the buffers. Returns how many input frames were lost to write errors (a super-frame counts its segments).</summary>
    private int WriteOutput(PacketBufferPool pool, GroCoalescer gro)
    {
        var output = gro.Output;
        int lost = 0;
        for (int i = 0; i < output.Count; i++)
        {
            int offset = output.Offsets[i];
            int length = output.Lengths[i];
            var header = gro.Headers[i];
            byte* frame = pool.Pointer(output.Handles[i]) + offset;
            header.Write(new Span<byte>(frame - VirtioNetHeader.Size, VirtioNetHeader.Size));
            nint n;
            do n = Libc.Write(_fd, frame - VirtioNetHeader.Size, (nuint)(length + VirtioNetHeader.Size));
            while (n < 0 && Errno.Last == Errno.EINTR);
            int segments = header.IsGso ? Segments(length - header.HeaderLength, header.GsoSize) : 1;
            if (n >= 0)
            {
                TxBytes += length;
                if (header.IsGso) TxSuperFrames++;
                continue;
            }
            int errno = Errno.Last;
            LastErrno = errno;
            if (errno is Errno.EAGAIN or Errno.ENOBUFS) TxDropped += segments;
            else TxErrors += segments;
            lost += segments;
        }
        output.ReturnAll(pool);
        return lost;
    }

    /// <summary>Writes every super-frame the coalescer holds and everything in its output; returns the input frames
    /// lost to write errors.</summary>
    private int FlushCoalescer(PacketBufferPool pool, GroCoalescer gro)
    {
        int failed = 0;
        while (!gro.Flush()) failed += WriteOutput(pool, gro);
        return failed + WriteOutput(pool, gro);
    }

    /// <summary>Writes one frame behind <paramref name="header"/> (in its headroom) and returns the buffer; returns 1
    /// when the write failed (the drop counters count the segments it held), else 0.</summary>
    private int WriteWhole(PacketBufferPool pool, int handle, int offset, int length, in VirtioNetHeader header)
    {
        byte* frame = pool.Pointer(handle) + offset;
        header.Write(new Span<byte>(frame - VirtioNetHeader.Size, VirtioNetHeader.Size));
        nint n;
        do n = Libc.Write(_fd, frame - VirtioNetHeader.Size, (nuint)(length + VirtioNetHeader.Size));
        while (n < 0 && Errno.Last == Errno.EINTR);
        pool.Return(handle);
        int segments = header.IsGso ? Segments(length - header.HeaderLength, header.GsoSize) : 1;
        if (n >= 0)
        {
            TxBytes += length;
            if (header.IsGso) TxSuperFrames++;
            return 0;
        }
        int errno = Errno.Last;
        LastErrno = errno;
        if (errno is Errno.EAGAIN or Errno.ENOBUFS) TxDropped += segments;
        else TxErrors += segments;
        return 1;
    }

    /// <summary>Datagrams or TCP segments in a super-frame of <paramref name="payload"/> bytes after its headers.</summary>
    private static int Segments(int payload, int gsoSize) => Math.Max(1, (payload + gsoSize - 1) / Math.Max(1, gsoSize));

    private void CountSegmentError(GsoStatus status)
    {
        RxSegmentErrors++;
        switch (status)
        {
            case GsoStatus.Malformed: RxSegmentMalformed++; break;
            case GsoStatus.Unsupported: RxSegmentUnsupported++; break;
            case GsoStatus.NoBuffer: RxSegmentNoBuffer++; break;
            case GsoStatus.BatchFull: RxSegmentBatchFull++; break;
        }
    }

    private void DisposeVnet()
    {
        _coalescer?.Discard();
        byte* scratch = _scratch;
        _scratch = null;
        if (scratch != null) NativeMemory.AlignedFree(scratch);
    }
}
