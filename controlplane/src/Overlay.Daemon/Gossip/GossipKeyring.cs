using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Overlay.Gossip.Net;
using Overlay.Gossip.Security;

namespace Overlay.Daemon.Gossip;

/// <summary>
/// The running gossip keyring and, with gossip.keyringFile, its copy on disk (what Serf does with its keyring
/// file). Every successful install, use or remove is written to the file before the caller gets its answer, so a
/// restarted daemon comes back with the keys the cluster rotated to instead of the config's. Changes and saves are
/// serialised, so the file always ends up holding the last keyring, never an older one written late.
/// </summary>
public sealed partial class GossipKeyring(UdpTcpTransport transport, string? file, ILogger log)
{
    private readonly Lock _gate = new();

    /// <summary>gossip.keyringFile, or null when changes are not saved.</summary>
    public string? File => file;

    /// <summary>Adds a key for decryption (rotation step 1), then saves.</summary>
    public KeyChangeResult Install(ReadOnlySpan<byte> key) => Change(Op.Install, key);

    /// <summary>Encrypts with an installed key from now on (step 2), then saves.</summary>
    public KeyChangeResult Use(ReadOnlySpan<byte> key) => Change(Op.Use, key);

    /// <summary>Drops a key that is not the primary (step 3), then saves.</summary>
    public KeyChangeResult Remove(ReadOnlySpan<byte> key) => Change(Op.Remove, key);

    /// <summary>Writes the running keyring to the file: null when saved (or when there is no file, or no keyring),
    /// else why not. A repeated change is saved again too, so running a command again retries a failed save.</summary>
    public string? Save()
    {
        if (file is null) return null;
        lock (_gate)
        {
            return SaveLocked();
        }
    }

    private KeyChangeResult Change(Op op, ReadOnlySpan<byte> key)
    {
        lock (_gate)
        {
            KeyOperationResult result = op switch
            {
                Op.Install => transport.InstallKey(key),
                Op.Use => transport.UseKey(key),
                _ => transport.RemoveKey(key),
            };
            return new KeyChangeResult(result, result == KeyOperationResult.Ok ? SaveLocked() : null);
        }
    }

    private string? SaveLocked()
    {
        if (file is null) return null;
        IReadOnlyList<byte[]> keys = transport.Keys;
        if (keys.Count == 0) return null; // no encryption: nothing to keep
        try
        {
            if (KeyringFile.TryWrite(file, keys, out string problem))
            {
                LogSaved(file, keys.Count);
                return null;
            }
            LogSaveFailed(problem);
            return problem;
        }
        finally
        {
            foreach (byte[] k in keys) CryptographicOperations.ZeroMemory(k);
        }
    }

    private enum Op
    {
        Install,
        Use,
        Remove,
    }

    [LoggerMessage(42, LogLevel.Debug, "gossip keyring saved to {File} ({Count} keys)")]
    private partial void LogSaved(string file, int count);

    [LoggerMessage(43, LogLevel.Error, "gossip keyring NOT saved (a restart would come back with the keys saved before): {Problem}")]
    private partial void LogSaveFailed(string problem);
}
