namespace Overlay.ControlPlane.Endpoints;

/// <summary>What membership last said about an owner of records.</summary>
internal enum OwnerStateKind : byte
{
    /// <summary>Records seen, but membership has not reported the owner alive yet.</summary>
    Unknown,
    Alive,

    /// <summary>Dead or left: its records are suspended.</summary>
    Gone,
}
