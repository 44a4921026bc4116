namespace Overlay.Integration.Tests.Rig;

/// <summary>A host namespace plugged into the rig's underlay switch through <see cref="UnderlayIf"/>.</summary>
/// <param name="V4">198.18.0.{index}, or null on an IPv6-only underlay.</param>
/// <param name="V6">2001:2::{index}, or null on an IPv4-only underlay.</param>
public sealed record RigHost(string Name, string Namespace, string UnderlayIf, int Index, string? V4, string? V6)
{
    /// <summary>The VTEP address: IPv4 when the host has one.</summary>
    public string Vtep => V4 ?? V6!;
}
