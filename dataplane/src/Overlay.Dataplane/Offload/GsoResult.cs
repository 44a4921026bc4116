namespace Overlay.Dataplane.Offload;

/// <summary>How many segments <see cref="GsoSegmenter.Segment"/> appended (0 unless <see cref="Status"/> is Ok).</summary>
public readonly record struct GsoResult(GsoStatus Status, int Segments)
{
    public bool IsOk => Status == GsoStatus.Ok;

    public static GsoResult Fail(GsoStatus status) => new(status, 0);
}
