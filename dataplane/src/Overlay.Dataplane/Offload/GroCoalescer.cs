using Overlay.Dataplane.Buffers;
using Overlay.Packets;

namespace Overlay.Dataplane.Offload;

/// <summary>
/// Receive-side coalescing (software GRO) for frames about to be written to a TAP opened with <c>IFF_VNET_HDR</c>:
/// consecutive TCP segments of one flow become one super-frame that the kernel takes in a single write, with
/// gso_type TCPV4/TCPV6 and a CHECKSUM_PARTIAL header; with <see cref="CoalescesUdp"/>, so do consecutive UDP
/// datagrams of one flow (gso_type UDP_L4, for a TAP that negotiated USO). The merge rules are the kernel's
/// <c>tcp_gro_receive</c>, <c>udp_gro_receive_segment</c>, <c>inet_gro_receive</c> and <c>ipv6_gro_receive</c>
/// rules; see <see cref="TryMerge"/>.
/// <para>
/// Feed frames in arrival order with <see cref="Add"/> (ownership of each buffer passes to the coalescer) and call
/// <see cref="Flush"/> at the end of every batch. Results appear in <see cref="Output"/>, a packet batch that owns its
/// buffers (small ones for frames passed through, large ones for super-frames), with the virtio header for entry i in
/// <see cref="Headers"/>[i]. The caller writes them to the TAP, then returns or reuses the buffers and sets
/// <c>Output.Count = 0</c>. Frames of one flow leave in arrival order; frames of different flows may leave in a
/// different order than they came (as with the kernel's GRO).
/// </para>
/// <para>
/// Up to <see cref="MaxFlows"/> super-frames are open at once, so interleaved flows each coalesce; opening one more
/// emits the oldest. One per TAP queue, reused for every batch; allocation-free after construction. Not thread-safe.
/// </para>
/// </summary>
public sealed partial class GroCoalescer
{
    public const int DefaultMaxFlows = 8;

    /// <summary>Slots one <see cref="Add"/> may fill: an open super-frame it closes plus the frame itself.</summary>
    private const int SlotsPerAdd = 2;

    private readonly PacketBufferPool _pool;
    private readonly GroFlow[] _flows;
    private int _flowCount;

    /// <param name="pool">The pool the frames come from; super-frames are built in its large buffers.</param>
    /// <param name="outputCapacity">Slots in <see cref="Output"/>; at least <paramref name="maxFlows"/> + 2 so that a
    /// drained output always takes a whole flush. A batch of N frames never needs more than N + maxFlows.</param>
    /// <param name="maxFlows">Super-frames open at once (the kernel keeps 8 per GRO bucket).</param>
    /// <param name="coalesceUdp">Also merge UDP datagrams into UDP_L4 super-frames. Only for a TAP that negotiated
    /// USO (TUN_F_USO4 | TUN_F_USO6): any other refuses a UDP_L4 header on write.</param>
    public GroCoalescer(PacketBufferPool pool, int outputCapacity, int maxFlows = DefaultMaxFlows, bool coalesceUdp = false)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFlows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCapacity, maxFlows + SlotsPerAdd);
        _pool = pool;
        _flows = new GroFlow[maxFlows];
        CoalescesUdp = coalesceUdp;
        Output = new PacketBatch(outputCapacity);
        Headers = new VirtioNetHeader[outputCapacity];
    }

    /// <summary>Frames ready for the TAP, in order. Owns its buffers; the caller empties it.</summary>
    public PacketBatch Output { get; }

    /// <summary>The virtio header to write in front of <c>Output</c> entry i. Super-frames: NEEDS_CSUM, TCPV4/TCPV6
    /// (+ECN when the first segment has CWR) or UDP_L4, the L4 checksum field holding the pseudo-header sum.
    /// Everything else: flags 0 and gso NONE; the frame's checksums are whatever they were (tun ignores DATA_VALID on
    /// write).</summary>
    public VirtioNetHeader[] Headers { get; }

    public int MaxFlows => _flows.Length;

    /// <summary>UDP datagrams are merged too (UDP_L4 super-frames); otherwise they pass through.</summary>
    public bool CoalescesUdp { get; }

    /// <summary>Super-frames open (held, not yet in <see cref="Output"/>).</summary>
    public int OpenFlows => _flowCount;

    /// <summary>
    /// Takes the frame at <paramref name="offset"/> of buffer <paramref name="handle"/> (owned from now on, unless the
    /// result is <see cref="GroAddResult.OutputFull"/>). The frame is a whole Ethernet frame with complete checksums.
    /// </summary>
    public GroAddResult Add(int handle, int offset, int length)
    {
        if (Output.Free < SlotsPerAdd) return GroAddResult.OutputFull;

        Span<byte> frame = _pool.Span(handle).Slice(offset, length);
        if (FrameLayout.TryParse(frame, out FrameLayout layout) != FrameParse.Ok || !(layout.IsTcp || CoalescesUdp))
        {
            EmitSingle(handle, offset, length);
            return GroAddResult.PassedThrough;
        }

        int index = FindFlow(frame, layout);
        if (!IsMergeable(frame, layout))
        {
            // Keep the flow's order: what was merged so far leaves first.
            if (index >= 0) EmitFlow(index);
            EmitSingle(handle, offset, length);
            return GroAddResult.PassedThrough;
        }

        if (index >= 0)
        {
            if (TryMerge(ref _flows[index], frame, layout, handle, out bool closes))
            {
                if (closes) EmitFlow(index);
                return GroAddResult.Merged;
            }
            EmitFlow(index);
        }

        if (layout.IsTcp && (Flags(frame, layout) & FinalFlags) != 0)
        {
            EmitSingle(handle, offset, length);
            return GroAddResult.PassedThrough;
        }

        if (_flowCount == _flows.Length) EmitFlow(0);
        _flows[_flowCount++] = new GroFlow
        {
            Handle = handle,
            Offset = offset,
            Length = length,
            Layout = layout,
            Segments = 1,
            GsoSize = layout.PayloadLength,
            NextSequence = layout.IsTcp ? unchecked(Sequence(frame, layout) + (uint)layout.PayloadLength) : 0,
        };
        return GroAddResult.Held;
    }

    /// <summary>Emits every open super-frame, oldest first. False when <see cref="Output"/> filled up first: drain it
    /// and call again.</summary>
    public bool Flush()
    {
        while (_flowCount > 0)
        {
            if (Output.IsFull) return false;
            EmitFlow(0);
        }
        return true;
    }

    /// <summary>Returns the buffers of every open super-frame to the pool without emitting them (shutdown).</summary>
    public void Discard()
    {
        for (int i = 0; i < _flowCount; i++) _pool.Return(_flows[i].Handle);
        _flowCount = 0;
    }

    /// <summary>The open flow with the same Ethernet header, protocol, addresses (and IPv6 flow label) and ports, or -1.</summary>
    private int FindFlow(ReadOnlySpan<byte> frame, in FrameLayout layout)
    {
        for (int i = 0; i < _flowCount; i++)
        {
            ref readonly GroFlow flow = ref _flows[i];
            if (SameFlow(frame, layout, _pool.Span(flow.Handle).Slice(flow.Offset, flow.Length), flow.Layout)) return i;
        }
        return -1;
    }

    private void EmitSingle(int handle, int offset, int length)
    {
        Headers[Output.Count] = VirtioNetHeader.None;
        Output.Add(handle, offset, length);
    }

    /// <summary>Moves open flow <paramref name="index"/> to the output and closes the gap, keeping the others' order.</summary>
    private void EmitFlow(int index)
    {
        ref GroFlow flow = ref _flows[index];
        if (flow.Segments == 1)
        {
            EmitSingle(flow.Handle, flow.Offset, flow.Length);
        }
        else
        {
            Headers[Output.Count] = FinishSuperFrame(_pool.Span(flow.Handle).Slice(flow.Offset, flow.Length), flow);
            Output.Add(flow.Handle, flow.Offset, flow.Length);
        }
        _flowCount--;
        for (int i = index; i < _flowCount; i++) _flows[i] = _flows[i + 1];
        _flows[_flowCount] = default;
    }
}
