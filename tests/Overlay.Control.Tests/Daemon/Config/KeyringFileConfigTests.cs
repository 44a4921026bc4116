using Overlay.Daemon.Config;
using Overlay.Gossip.Security;

namespace Overlay.Control.Tests.Daemon.Config;

/// <summary>gossip.keyringFile in the config: an existing file wins over gossip.keys; a missing one leaves
/// gossip.keys in charge; a malformed one, a relative path or a missing directory is a start-up problem naming the
/// key and the file.</summary>
public sealed class KeyringFileConfigTests : IDisposable
{
    private static readonly byte[] K1 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] K2 = Enumerable.Range(101, 16).Select(i => (byte)i).ToArray();

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("keyring-config-tests-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string FilePath => Path.Combine(_dir.FullName, "keyring.json");

    private static OverlayOptions Options(string? keyringFile) => new()
    {
        Node = new NodeOptions { Name = "h1" },
        Underlay = new UnderlayOptions { Addresses = ["198.18.0.1"], Mtu = 1500 },
        Control = new ControlOptions { Socket = "/run/overlay/test.sock" },
        Gossip = new GossipSection { Enabled = true, Keys = [Convert.ToBase64String(K1)], KeyringFile = keyringFile },
        Networks = [new NetworkOptions { Name = "blue", Vni = 42 }],
    };

    private static DaemonConfig Validate(OverlayOptions options) => new ConfigValidator(_ => 1500).Validate(options);

    [Fact]
    public void An_existing_file_wins_over_gossip_keys()
    {
        Assert.True(KeyringFile.TryWrite(FilePath, [K2, K1], out string problem), problem);

        GossipConfig g = Validate(Options(FilePath)).Gossip;

        Assert.Equal([K2, K1], g.Keys);
        Assert.True(g.KeysFromFile);
        Assert.Equal(FilePath, g.KeyringFile);
        Assert.Equal(1, g.ConfiguredKeyCount);
    }

    [Fact]
    public void A_missing_file_leaves_gossip_keys_in_charge()
    {
        GossipConfig g = Validate(Options(FilePath)).Gossip;

        Assert.Equal([K1], g.Keys);
        Assert.False(g.KeysFromFile);
        Assert.Equal(FilePath, g.KeyringFile);
    }

    [Fact]
    public void Without_the_key_nothing_changes()
    {
        GossipConfig g = Validate(Options(null)).Gossip;

        Assert.Equal([K1], g.Keys);
        Assert.Null(g.KeyringFile);
    }

    [Fact]
    public void A_malformed_file_stops_the_start_naming_the_key_and_the_file()
    {
        File.WriteAllText(FilePath, "[\"" + Convert.ToBase64String(K2) + "\", 7]");

        var e = Assert.Throws<ConfigException>(() => Validate(Options(FilePath)));

        Assert.Contains($"gossip.keyringFile: {FilePath}: element [1] is a number", e.Message);
    }

    [Fact]
    public void An_empty_file_stops_the_start_it_never_means_no_keys()
    {
        File.WriteAllText(FilePath, "");

        var e = Assert.Throws<ConfigException>(() => Validate(Options(FilePath)));

        Assert.Contains($"gossip.keyringFile: {FilePath}: is empty", e.Message);
    }

    [Theory]
    [InlineData("keyring.json", "must be an absolute path")]
    [InlineData("/nonexistent-overlay-dir/keyring.json", "directory /nonexistent-overlay-dir does not exist")]
    public void A_path_that_can_never_hold_the_keyring_stops_the_start(string path, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Validate(Options(path)));

        Assert.Contains("gossip.keyringFile: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_file_is_not_read_when_gossip_is_off()
    {
        File.WriteAllText(FilePath, "not a keyring");
        var options = Options(FilePath);
        options.Gossip.Enabled = false;

        Assert.False(Validate(options).Gossip.Enabled);
    }
}
