namespace Overlay.Dataplane.Offload;

/// <summary>What <see cref="GroCoalescer.Add"/> did with a frame.</summary>
public enum GroAddResult : byte
{
    /// <summary>Appended to an open super-frame of its flow (the frame's buffer went back to the pool).</summary>
    Merged,
    /// <summary>Held as the first segment of a new super-frame; emitted by a later Add or by Flush.</summary>
    Held,
    /// <summary>Emitted on its own (not TCP or, when coalesced, UDP; not mergeable; or a TCP segment that ends a flow
    /// such as SYN/RST/URG).</summary>
    PassedThrough,
    /// <summary>The output has fewer than two free slots. The frame was NOT taken: drain the output and call again.</summary>
    OutputFull,
}
