namespace Overlay.Dataplane.Offload;

/// <summary>One open super-frame in a <see cref="GroCoalescer"/>: the first segment alone in its own buffer, or, once a
/// second segment arrived, the segments merged so far in a large buffer.</summary>
internal struct GroFlow
{
    public int Handle;
    public int Offset;
    /// <summary>Frame bytes so far (Ethernet header to the end of the last payload appended).</summary>
    public int Length;
    /// <summary>The head's layout; <see cref="FrameLayout.PacketEnd"/> grows with every segment.</summary>
    public FrameLayout Layout;
    public int Segments;
    /// <summary>The head's payload length: the MSS (or UDP datagram size) every later segment must match (the last may
    /// be shorter).</summary>
    public int GsoSize;
    /// <summary>TCP only: the sequence number the next segment must carry.</summary>
    public uint NextSequence;
    /// <summary>IPv4: the second segment carried the head's id with DF set, so every segment must (kernel ip_fixedid).</summary>
    public bool FixedId;
}
