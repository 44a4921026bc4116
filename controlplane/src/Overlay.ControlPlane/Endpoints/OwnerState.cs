namespace Overlay.ControlPlane.Endpoints;

/// <summary>An owner's liveness, its current boot id (0 = not announced) and since when.</summary>
internal readonly record struct OwnerState(OwnerStateKind Kind, ulong Boot, DateTimeOffset Since);
