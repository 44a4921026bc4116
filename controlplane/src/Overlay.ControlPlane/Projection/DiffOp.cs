namespace Overlay.ControlPlane.Projection;

/// <summary>One change to a dataplane entry.</summary>
public enum DiffOp : byte
{
    Add,

    /// <summary>The entry exists with another value: overwrite it in place (never remove then add, which would
    /// leave a gap, and never fail because an entry exists).</summary>
    Replace,
    Remove,
}
