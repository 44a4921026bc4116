using Overlay.Packets;

namespace Overlay.ControlPlane.Projection;

/// <summary>A change to a proxy neighbour entry: <see cref="Mac"/> is the new value (zero for a removal),
/// <see cref="Previous"/> the installed one (zero for an add).</summary>
public readonly record struct NeighbourChange(DiffOp Op, NeighbourKey Key, MacAddress Mac, MacAddress Previous);
