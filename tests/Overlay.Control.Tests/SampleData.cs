using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>What the fake daemon knows: two networks, three ports, a few entries, some counters, three gossip members
/// (one over IPv6) and their endpoints, and a keyring of two keys.</summary>
internal static class SampleData
{
    public static IReadOnlyList<FdbEntryDto> Entries { get; } =
    [
        new(42, "blue", "02:00:00:00:00:01", "a", null, "permanent", null, null),
        new(42, "blue", "02:00:00:00:00:0b", null, "198.18.0.2", "dynamic", 1.4, 3.9),
        new(42, "blue", "00:00:00:00:00:00", null, "198.18.0.3", "permanent", null, null),
        new(7, "red", "02:00:00:00:00:02", "c", null, "static", 0.2, 10),
    ];

    public static IReadOnlyList<PortDto> Ports { get; } =
    [
        new("a", "blue", 42, "tap", "ns-a", "eth0", "02:00:00:00:00:01", 1450),
        new("b", "blue", 42, "tap-attached", null, null, null, 1500),
        new("c", "red", 7, "tap", "ns-c", "eth0", "02:00:00:00:00:02", 1450),
    ];

    public static IReadOnlyList<NetworkDto> Networks { get; } =
    [
        new("blue", 42, true, 300, 0, 3, ["198.18.0.3"], ["a", "b"]),
        new("red", 7, false, 30.5, 1024, 1, [], ["c"]),
    ];

    public static StatsDto Stats { get; } = new(
        [
            new("a", 10, 1500, 12, 1800, new Dictionary<string, long> { ["no_fdb_entry"] = 2, ["ttl_exceeded"] = 1 }),
            new("b", 0, 0, 0, 0, new Dictionary<string, long>()),
        ],
        [new("blue", 10, 1500, 12, 1800, new Dictionary<string, long> { ["unknown_vni"] = 4 })],
        new("underlay", 22, 3300, 24, 3600, new Dictionary<string, long>()));

    public static IReadOnlyList<MemberDto> Members { get; } =
    [
        new("host-1", "198.18.0.1", 7946, "alive", 3),
        new("host-2", "198.18.0.2", 7946, "suspect", 12),
        new("host-3", "2001:db8::3", 17946, "dead", 0),
    ];

    /// <summary>The base64 of the 32-byte key 00 01 .. 1f; its fingerprint is 630dcd2966c43366.</summary>
    public const string Key32 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    /// <summary>The base64 of 16 zero bytes; its fingerprint is 374708fff7719dd5.</summary>
    public const string Key16 = "AAAAAAAAAAAAAAAAAAAAAA==";

    public static IReadOnlyList<KeyDto> Keys { get; } =
    [
        new("630dcd2966c43366", true),
        new("374708fff7719dd5", false),
    ];

    public static IReadOnlyList<EndpointDto> Endpoints { get; } =
    [
        new(42, "blue", "ep-a", "02:00:00:00:00:01", ["198.19.0.1", "2001:2::1"], "198.18.0.1", "host-1", 4, "local"),
        new(42, "blue", "ep-b", "02:00:00:00:00:0b", ["198.19.0.11"], "198.18.0.2", "host-2", 17, "installed"),
        new(7, "red", "ep-c", "02:00:00:00:00:0c", [], "2001:db8::3", "host-3", ulong.MaxValue, "suspended"),
    ];
}
