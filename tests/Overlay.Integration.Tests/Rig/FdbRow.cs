namespace Overlay.Integration.Tests.Rig;

/// <summary>One row of `overlayctl fdb show -o json`, read as the operator sees it (no shared DTO type on purpose).</summary>
public sealed record FdbRow(uint Vni, string Network, string Mac, string? Port, string? Dst, string Kind, double? UpdatedSecondsAgo, double? UsedSecondsAgo);
