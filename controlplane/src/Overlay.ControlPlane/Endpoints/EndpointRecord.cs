using System.Collections.Immutable;
using Overlay.Packets;

namespace Overlay.ControlPlane.Endpoints;

/// <summary>
/// One endpoint as its owner published it, or the tombstone of one it withdrew. Immutable: every change is a new
/// record with a higher <see cref="Version"/> (a Lamport time) written by the node named in <see cref="Owner"/>.
/// <see cref="OwnerBoot"/> names the owner's process lifetime (its boot id, also carried in its gossip metadata):
/// a record written by an earlier life of the owner is never installed once the new life is known.
/// </summary>
public sealed class EndpointRecord
{
    public EndpointRecord(
        uint vni,
        string networkName,
        string endpointId,
        MacAddress mac,
        ImmutableArray<IpAddr> addresses,
        IpAddr vtep,
        string owner,
        ulong ownerBoot,
        ulong version,
        bool deleted = false,
        DateTimeOffset deletedAt = default)
    {
        ArgumentNullException.ThrowIfNull(networkName);
        ArgumentNullException.ThrowIfNull(endpointId);
        ArgumentNullException.ThrowIfNull(owner);
        Vni = vni;
        NetworkName = networkName;
        EndpointId = endpointId;
        Mac = mac;
        Addresses = addresses.IsDefault ? [] : addresses;
        Vtep = vtep;
        Owner = owner;
        OwnerBoot = ownerBoot;
        Version = version;
        Deleted = deleted;
        DeletedAt = deleted ? deletedAt : default;
    }

    public uint Vni { get; }

    /// <summary>The network's name, for people; records are keyed by <see cref="Vni"/>.</summary>
    public string NetworkName { get; }

    public string EndpointId { get; }

    public MacAddress Mac { get; }

    /// <summary>The endpoint's IPv4 and IPv6 addresses (zero or more).</summary>
    public ImmutableArray<IpAddr> Addresses { get; }

    /// <summary>The underlay address of the owner's VXLAN tunnel endpoint.</summary>
    public IpAddr Vtep { get; }

    /// <summary>The gossip name of the node that wrote this record.</summary>
    public string Owner { get; }

    /// <summary>The owner's boot id when it wrote this record; 0 when unknown.</summary>
    public ulong OwnerBoot { get; }

    /// <summary>Lamport time of the write; with <see cref="Owner"/> it orders every record of a key.</summary>
    public ulong Version { get; }

    /// <summary>A tombstone: the owner withdrew the endpoint at <see cref="Version"/>.</summary>
    public bool Deleted { get; }

    /// <summary>For a tombstone, when it was written, on this node's table clock (<see cref="EndpointTable.Now"/>;
    /// received tombstones carry their age, so every node expires a tombstone at about the same moment); default
    /// for a live record.</summary>
    public DateTimeOffset DeletedAt { get; }

    public EndpointKey Key => new(Vni, EndpointId);

    /// <summary>Same network name, MAC, addresses and VTEP: what the dataplane would be told is the same.</summary>
    public bool SameContent(EndpointRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Vni == other.Vni
            && Mac == other.Mac
            && Vtep == other.Vtep
            && string.Equals(NetworkName, other.NetworkName, StringComparison.Ordinal)
            && string.Equals(EndpointId, other.EndpointId, StringComparison.Ordinal)
            && Addresses.AsSpan().SequenceEqual(other.Addresses.AsSpan());
    }

    /// <summary>The same write: same version, owner, boot, tombstone flag and content (not <see cref="DeletedAt"/>,
    /// which is local).</summary>
    public bool SameWrite(EndpointRecord other) =>
        Version == other.Version
        && Deleted == other.Deleted
        && OwnerBoot == other.OwnerBoot
        && string.Equals(Owner, other.Owner, StringComparison.Ordinal)
        && SameContent(other);

    /// <summary>The same content written again by <paramref name="owner"/> at <paramref name="version"/>.</summary>
    internal EndpointRecord Rewrite(string owner, ulong ownerBoot, ulong version) =>
        new(Vni, NetworkName, EndpointId, Mac, Addresses, Vtep, owner, ownerBoot, version);

    /// <summary>The tombstone of this record, written by <paramref name="owner"/> at <paramref name="version"/>.</summary>
    internal EndpointRecord Tombstone(string owner, ulong ownerBoot, ulong version, DateTimeOffset at) =>
        new(Vni, NetworkName, EndpointId, Mac, Addresses, Vtep, owner, ownerBoot, version, deleted: true, deletedAt: at);

    public override string ToString() =>
        $"{Key} {Mac} -> {Vtep} [{string.Join(", ", Addresses)}] by {Owner}@{Version}{(Deleted ? " deleted" : "")}";
}
