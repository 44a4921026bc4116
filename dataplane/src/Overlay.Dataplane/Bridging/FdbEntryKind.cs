namespace Overlay.Dataplane.Bridging;

/// <summary>Forwarding entry kinds, as the kernel's VXLAN FDB has them.</summary>
public enum FdbEntryKind : byte
{
    /// <summary>Learned from traffic; ages out; moves when the MAC shows up elsewhere.</summary>
    Dynamic = 0,
    /// <summary>Installed by the operator (NUD_NOARP): never ages, never migrates; a frame from the same MAC elsewhere is dropped.</summary>
    Static = 1,
    /// <summary>Installed by the operator (NUD_PERMANENT), the kernel's default for `bridge fdb add`: like static.</summary>
    Permanent = 2,
}
