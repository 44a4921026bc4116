using Overlay.Dataplane.Bridging;
using Overlay.Packets;

namespace Overlay.Dataplane.Switching;

/// <summary>One forwarding entry as the control path shows it (`fdb show`). A flood-list VTEP shows as the
/// all-zeros MAC with one record per destination, like the kernel's `bridge fdb show`.</summary>
public sealed record FdbRecord(
    uint Vni,
    string Network,
    MacAddress Mac,
    string? Port,
    IpAddr Remote,
    FdbEntryKind Kind,
    TimeSpan? SinceUpdated,
    TimeSpan? SinceUsed);

public enum FdbChange
{
    /// <summary>Create; fails when the MAC has an entry (the kernel's EEXIST).</summary>
    Add,
    /// <summary>Add one more remote destination to the MAC's entry, creating it when absent.</summary>
    Append,
    /// <summary>Create or overwrite.</summary>
    Replace,
}

public enum FdbResult
{
    Ok,
    Exists,
    NotFound,
    Full,
    Invalid,
}
