namespace Overlay.Integration.Tests.Rig;

/// <summary>One JSON line of tests/interop/memberlist-peer (the fields the tests read). Event is ready, join, leave,
/// update, user, remote_state, joined, error or stopped; Name is the member a join, leave or update is about; Data is
/// what a user message or a push/pull's user state handed memberlist's delegate. memberlist 0.2.x hands NotifyLeave
/// the member before its state changes, so a leave does not tell a death from a departure (the peer's "state" field
/// says alive either way).</summary>
public sealed record MemberlistEvent(string Event, string? Name, byte[]? Data)
{
    public bool Is(string kind, string name) => Event == kind && Name == name;
}
