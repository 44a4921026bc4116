using System.Runtime.CompilerServices;
using Overlay.Dataplane.Counters;

namespace Overlay.Dataplane.Offload;

/// <summary>The drop reason for a super-frame that <see cref="GsoSegmenter"/> refused.</summary>
public static class GsoDropReasons
{
    /// <summary>The reason to count when a frame is dropped for <paramref name="status"/>. Throws for Ok and NotGso,
    /// which drop nothing (a caller bug).</summary>
    public static DropReason For(GsoStatus status) => status switch
    {
        GsoStatus.Malformed => DropReason.GsoMalformed,
        GsoStatus.Unsupported => DropReason.GsoUnsupported,
        GsoStatus.NoBuffer => DropReason.NoBuffer,
        GsoStatus.BatchFull => DropReason.GsoTooManySegments,
        _ => ThrowNotADrop(status),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DropReason ThrowNotADrop(GsoStatus status) =>
        throw new ArgumentOutOfRangeException(nameof(status), status, "this status drops nothing");
}
