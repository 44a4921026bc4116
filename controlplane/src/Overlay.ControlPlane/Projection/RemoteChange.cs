using Overlay.Packets;

namespace Overlay.ControlPlane.Projection;

/// <summary>A change to a static forwarding entry: <see cref="Vtep"/> is the new value (none for a removal),
/// <see cref="Previous"/> the installed one (none for an add).</summary>
public readonly record struct RemoteChange(DiffOp Op, RemoteKey Key, IpAddr Vtep, IpAddr Previous);
