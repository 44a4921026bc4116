using System.Net;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Overlay.Daemon.Gossip;
using Overlay.Gossip.Net;
using Overlay.Gossip.Security;

namespace Overlay.Control.Tests.Daemon.Gossip;

/// <summary>Key changes through the daemon's keyring: every successful install, use and remove leaves the file holding
/// exactly the running keyring (primary first); a refused change writes nothing; a save that fails is reported with
/// the change still live, and running the change again saves it.</summary>
[SupportedOSPlatform("linux")]
public sealed class GossipKeyringTests : IDisposable
{
    private static readonly byte[] K1 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] K2 = Enumerable.Range(101, 16).Select(i => (byte)i).ToArray();

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gossip-keyring-tests-");
    private readonly RecordingLogger _log = new();
    private readonly UdpTcpTransport _transport;

    public GossipKeyringTests() =>
        _transport = new UdpTcpTransport(new UdpTcpTransportOptions { BindAddress = IPAddress.Loopback, Port = 0, Keys = [K1] });

    public void Dispose()
    {
        _transport.Dispose();
        _dir.Delete(recursive: true);
    }

    private string FilePath => Path.Combine(_dir.FullName, "keyring.json");

    private byte[][] Saved()
    {
        Assert.Equal(KeyringFileStatus.Ok, KeyringFile.TryRead(FilePath, out byte[][] keys, out string problem));
        Assert.Equal("", problem);
        return keys;
    }

    [Fact]
    public void A_whole_rotation_is_saved_step_by_step()
    {
        var keyring = new GossipKeyring(_transport, FilePath, _log);

        Assert.Equal(new KeyChangeResult(KeyOperationResult.Ok, null), keyring.Install(K2));
        Assert.Equal([K1, K2], Saved());

        Assert.Equal(new KeyChangeResult(KeyOperationResult.Ok, null), keyring.Use(K2));
        Assert.Equal([K2, K1], Saved());

        Assert.Equal(new KeyChangeResult(KeyOperationResult.Ok, null), keyring.Remove(K1));
        Assert.Equal([K2], Saved());
        Assert.Equal([K2], _transport.Keys);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
    }

    [Fact]
    public void A_refused_change_writes_nothing()
    {
        var keyring = new GossipKeyring(_transport, FilePath, _log);

        Assert.Equal(KeyOperationResult.NotInstalled, keyring.Use(K2).Operation);
        Assert.Equal(KeyOperationResult.PrimaryKeyRemoval, keyring.Remove(K1).Operation);
        Assert.Equal(KeyOperationResult.InvalidKeySize, keyring.Install(new byte[20]).Operation);

        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public void A_failed_save_is_reported_with_the_change_live_and_running_it_again_saves()
    {
        // A directory in the file's place: every write fails until it is gone.
        Directory.CreateDirectory(FilePath);
        var keyring = new GossipKeyring(_transport, FilePath, _log);

        KeyChangeResult result = keyring.Install(K2);

        Assert.Equal(KeyOperationResult.Ok, result.Operation);
        Assert.False(result.Saved);
        Assert.StartsWith(FilePath + ": ", result.SaveProblem);
        Assert.Equal([K1, K2], _transport.Keys);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(FilePath, StringComparison.Ordinal));

        Directory.Delete(FilePath);
        Assert.Equal(new KeyChangeResult(KeyOperationResult.Ok, null), keyring.Install(K2));
        Assert.Equal([K1, K2], Saved());
    }

    [Fact]
    public void Without_a_file_changes_only_touch_the_running_keyring()
    {
        var keyring = new GossipKeyring(_transport, null, _log);

        Assert.Equal(new KeyChangeResult(KeyOperationResult.Ok, null), keyring.Install(K2));
        Assert.Null(keyring.Save());
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    [Fact]
    public void Concurrent_changes_leave_the_file_equal_to_the_running_keyring()
    {
        var keyring = new GossipKeyring(_transport, FilePath, _log);
        byte[][] extra = [.. Enumerable.Range(0, 8).Select(n => Enumerable.Repeat((byte)(200 + n), 16).ToArray())];

        Parallel.ForEach(extra, new ParallelOptions { MaxDegreeOfParallelism = 4 }, key =>
        {
            Assert.True(keyring.Install(key).Saved);
            Assert.True(keyring.Use(key).Saved);
        });

        Assert.Equal(_transport.Keys, Saved());
        Assert.Equal(9, Saved().Length);
    }
}
