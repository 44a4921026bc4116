using Overlay.Packets;

namespace Overlay.Dataplane.Bridging;

/// <summary>
/// One forwarding entry: a MAC reaches either a local port or one or more remote VTEPs.
/// <see cref="Remote"/> holds the first remote; <see cref="MoreRemotes"/> the rest when the operator appended
/// destinations (`fdb append`), an immutable array the control path replaces whole.
/// </summary>
public struct FdbEntry
{
    public ulong Mac;
    /// <summary>Local port index, or -1 when the destination is remote.</summary>
    public int Port;
    public IpAddr Remote;
    public IpAddr[]? MoreRemotes;
    public FdbEntryKind Kind;
    /// <summary>Last time the MAC was seen as a source (or the entry written), in <see cref="TimeProvider"/> timestamp ticks.</summary>
    public long Updated;
    /// <summary>Last time a frame was forwarded with this entry.</summary>
    public long Used;
    /// <summary>Last time this worker told the other workers about the entry (several workers only).</summary>
    public long Shared;

    public readonly bool IsLocal => Port >= 0;
    public readonly bool IsStatic => Kind != FdbEntryKind.Dynamic;
    public readonly int RemoteCount => Port >= 0 ? 0 : 1 + (MoreRemotes?.Length ?? 0);

    public readonly IpAddr RemoteAt(int i) => i == 0 ? Remote : MoreRemotes![i - 1];

    public readonly bool SameDestination(int port, IpAddr remote) =>
        port >= 0 ? Port == port : Port < 0 && Remote == remote && MoreRemotes is null;
}
