namespace Overlay.Control;

/// <summary>The result of fdb.change and fdb.flush: how many entries were added, changed or removed.</summary>
public sealed record CountResultDto(int Count);
