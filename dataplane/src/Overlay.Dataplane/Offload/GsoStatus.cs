namespace Overlay.Dataplane.Offload;

/// <summary>The outcome of <see cref="GsoSegmenter.Segment"/> and <see cref="GsoSegmenter.CompleteChecksum"/>.</summary>
public enum GsoStatus : byte
{
    Ok,
    /// <summary>Headers that contradict themselves or the virtio header (lengths, gso_size 0, csum_start elsewhere,
    /// gso_type naming another protocol, an IPv4 fragment). Drop the frame.</summary>
    Malformed,
    /// <summary>Well formed but not handled: UFO, IPv6 extension headers, Q-in-Q, unknown gso_type bits, or
    /// segments larger than a small buffer. Drop the frame.</summary>
    Unsupported,
    /// <summary>The header says gso_type NONE: there is nothing to segment; use
    /// <see cref="GsoSegmenter.CompleteChecksum"/> and forward the frame as it is.</summary>
    NotGso,
    /// <summary>The pool has fewer free small buffers than segments. Nothing was written.</summary>
    NoBuffer,
    /// <summary>The output batch has fewer free slots than segments. Nothing was written; flush and retry.</summary>
    BatchFull,
}
