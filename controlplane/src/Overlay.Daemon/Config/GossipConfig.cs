using Overlay.Packets;

namespace Overlay.Daemon.Config;

/// <summary>The validated gossip settings. <see cref="Keys"/> is the keyring to start with, primary first: the keyring
/// file's when it exists, else gossip.keys.</summary>
public sealed record GossipConfig(
    bool Enabled,
    IpAddr Bind,
    int Port,
    IpAddr Advertise,
    IReadOnlyList<(IpAddr Address, int Port)> Seeds,
    string Preset,
    IReadOnlyList<byte[]> Keys,
    string? Label,
    IReadOnlyList<(IpAddr Network, int PrefixLength)> AllowCidrs,
    TimeSpan Tombstone)
{
    /// <summary>gossip.keyringFile (an absolute path), or null: key changes then last only until a restart.</summary>
    public string? KeyringFile { get; init; }

    /// <summary><see cref="Keys"/> came from <see cref="KeyringFile"/>, which existed at start; gossip.keys was not used.</summary>
    public bool KeysFromFile { get; init; }

    /// <summary>How many keys gossip.keys lists (whether or not they are the ones used).</summary>
    public int ConfiguredKeyCount { get; init; }

    public static GossipConfig Disabled { get; } = new(false, default, 7946, default, [], "lan", [], null, [], TimeSpan.FromMinutes(30));
}
