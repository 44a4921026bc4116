namespace Overlay.Control;

// The control protocol's data: what overlayctl asks and what overlayd answers. Plain records, serialized as JSON
// (camelCase) by ControlJsonContext. Addresses and MACs travel as strings in their usual text forms.

/// <summary>Filters of `fdb show` and `fdb flush`: null means any.</summary>
public sealed record FdbFilter(string? Network = null, uint? Vni = null, string? Port = null, string? Mac = null, string? Dst = null);

/// <summary>One forwarding entry. Kind is "dynamic", "static" or "permanent". Mac "00:00:00:00:00:00" with a Dst is a flood-list entry.</summary>
public sealed record FdbEntryDto(uint Vni, string Network, string Mac, string? Port, string? Dst, string Kind, double? UpdatedSecondsAgo, double? UsedSecondsAgo);

/// <summary>`fdb add|append|replace|del`: Op is "add", "append", "replace" or "del"; the network by name or VNI;
/// exactly one of Port (a local port name) and Dst (a remote VTEP address) except for del, where both may be null.
/// Kind is "static", "permanent" (the default, as the kernel's) or "dynamic".</summary>
public sealed record FdbChangeDto(string Op, string Network, string Mac, string? Port, string? Dst, string Kind = "permanent");

/// <summary>`fdb flush`: entries matching the filter; static and permanent ones only when IncludeStatic.</summary>
public sealed record FdbFlushDto(FdbFilter Filter, bool IncludeStatic);

/// <summary>Kind is "tap" (created by us) or "tap-attached" (an existing persistent TAP).</summary>
public sealed record PortDto(string Name, string Network, uint Vni, string Kind, string? Netns, string? Ifname, string? Mac, int Mtu);

public sealed record NetworkDto(string Name, uint Vni, bool Learning, double AgeingSeconds, int MaxAddresses, int FdbEntries, IReadOnlyList<string> FloodList, IReadOnlyList<string> Ports);

/// <summary>Counters of a port, a network or the underlay; Drops by reason name (snake_case), zero reasons omitted.</summary>
public sealed record CountersDto(string Name, long RxPackets, long RxBytes, long TxPackets, long TxBytes, IReadOnlyDictionary<string, long> Drops);

/// <summary>Tunnel: the UDP-tunnel GSO TAP when it runs (super-frames written and read; drops: invalid packets handed
/// to it, no buffer, I/O errors), else null.</summary>
public sealed record StatsDto(IReadOnlyList<CountersDto> Ports, IReadOnlyList<CountersDto> Networks, CountersDto Underlay, CountersDto? Tunnel = null);

/// <summary>A gossip member (`members`): State is "alive", "suspect", "dead" or "left".</summary>
public sealed record MemberDto(string Name, string Address, int Port, string State, uint Incarnation);

/// <summary>An endpoint of the gossip endpoint table (`endpoints`). State: "local" (ours), "installed" (in the
/// switch), "suspended" (its host is dead or left), "shadowed" (another host's newer claim on the MAC wins) or
/// "deleted" (a tombstone).</summary>
public sealed record EndpointDto(uint Vni, string Network, string EndpointId, string Mac, IReadOnlyList<string> Addresses, string Vtep,
    string Owner, ulong Version, string State);

/// <summary>`keys install|use|remove`: Op is "install", "use" or "remove"; Key is the AES key in base64 (16, 24 or 32
/// bytes). The key crosses the control socket only in this direction and is never logged or answered back.</summary>
public sealed record KeyChangeDto(string Op, string Key);

/// <summary>A gossip encryption key (`keys list`) by its <see cref="KeyFingerprint"/>, never by its bytes. Primary is
/// the key that encrypts; the others only decrypt.</summary>
public sealed record KeyDto(string Fingerprint, bool Primary);

/// <summary>The outcome of a change: Ok, or an error message meant for the operator.</summary>
public sealed record ControlResult(bool Ok, string? Error = null, int Count = 0)
{
    public static ControlResult Success(int count = 0) => new(true, null, count);
    public static ControlResult Failure(string error) => new(false, error);
}

/// <summary>What the daemon implements; the control server calls it for each request.</summary>
public interface IControlHandler
{
    Task<IReadOnlyList<FdbEntryDto>> FdbShowAsync(FdbFilter filter, CancellationToken cancellationToken);
    Task<ControlResult> FdbChangeAsync(FdbChangeDto change, CancellationToken cancellationToken);
    Task<ControlResult> FdbFlushAsync(FdbFlushDto flush, CancellationToken cancellationToken);
    Task<IReadOnlyList<PortDto>> PortsAsync(CancellationToken cancellationToken);
    Task<IReadOnlyList<NetworkDto>> NetworksAsync(CancellationToken cancellationToken);
    Task<StatsDto> StatsAsync(CancellationToken cancellationToken);
    /// <summary>Gossip members; fails with a clear message when gossip is off.</summary>
    Task<IReadOnlyList<MemberDto>> MembersAsync(CancellationToken cancellationToken);
    /// <summary>The gossip endpoint table; fails with a clear message when gossip is off.</summary>
    Task<IReadOnlyList<EndpointDto>> EndpointsAsync(CancellationToken cancellationToken);
    /// <summary>The gossip keyring, primary first; fails with a clear message when gossip is off.</summary>
    Task<IReadOnlyList<KeyDto>> KeysAsync(CancellationToken cancellationToken);
    /// <summary>Installs, uses or removes a gossip key; never puts the key in a message or a log.</summary>
    Task<ControlResult> KeyChangeAsync(KeyChangeDto change, CancellationToken cancellationToken);
}
