using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Overlay.ControlPlane.Endpoints;
using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;
using Overlay.Packets;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>Short ways to make the values tests need.</summary>
internal static class Build
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Time() => new(Epoch);

    /// <summary>The version of a table's first write at <see cref="Epoch"/> (its hybrid clock's wall part).</summary>
    public static ulong EpochVersion => EndpointTable.WallVersion(Epoch);

    public static EndpointTableOptions Options() => new();

    public static EndpointTable Table(string node, TimeProvider time, ulong boot = 0) =>
        new(node, boot == 0 ? BootOf(node) : boot, Options(), time);

    /// <summary>A node's first boot id, derived from its name.</summary>
    public static ulong BootOf(string node) => Stable(node) + 1;

    public static MacAddress Mac(int n) => new(0x02_42_0a_00_00_00UL + (ulong)n);

    public static IpAddr Ip(int n) => IpAddr.FromV4(0xC6_13_00_00u + (uint)n);

    /// <summary>The VTEP of a node, derived from its name.</summary>
    public static IpAddr Vtep(string node) => IpAddr.FromV4(0xC6_12_00_00u + (uint)(Stable(node) & 0xfffe) + 1);

    /// <summary>FNV-1a of the name: the same in every run (string hash codes are randomised per process).</summary>
    private static uint Stable(string s)
    {
        uint h = 2166136261;
        foreach (char c in s)
        {
            h = (h ^ c) * 16777619;
        }
        return h;
    }

    public static EndpointRecord Record(
        string owner, string id, int mac, ulong version, int[]? ips = null, uint vni = 42, bool deleted = false, ulong boot = 0, DateTimeOffset deletedAt = default) =>
        new(vni, "net", id, Mac(mac), [.. (ips ?? [mac]).Select(Ip)], Vtep(owner), owner, boot == 0 ? BootOf(owner) : boot, version,
            deleted, deleted && deletedAt == default ? Epoch : deletedAt);

    public static Member Member(string name, NodeStateKind state = NodeStateKind.Alive, byte[]? meta = null) =>
        new(name, GossipEndPoint.FromIPv4(0xC6_13_FF_01u, 7946), meta, 1, state, Epoch);

    public static ImmutableArray<IpAddr> Ips(params int[] ips) => [.. ips.Select(Ip)];
}
