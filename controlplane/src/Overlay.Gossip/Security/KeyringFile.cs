using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Overlay.Gossip.Security;

/// <summary>
/// The keyring on disk, in Serf's keyring-file format (<c>serf agent -keyring-file</c>): a JSON array of base64 AES
/// keys, the primary first, e.g. <c>["QHOYjmYlxSCBhdfiolhtDQ==", "daZ2wnuw+Ww4Cy8Ko+J5rg=="]</c>. Reading names what
/// is wrong with a file and never echoes key material. Writing is atomic: a new file beside the old one (mode
/// 0600), fsync, rename over the old one, fsync of the directory; a crash at any point leaves the old keyring or the
/// new one, never a torn or empty file.
/// </summary>
public static class KeyringFile
{
    /// <summary>Far above any real keyring (a key is at most 44 base64 characters); a bigger file is refused unread.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>The mode of every file written: the keys are the cluster's secret.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const string Expected = "expected a JSON array of base64 AES keys, the primary first";

    /// <summary>Reads the keyring saved at <paramref name="path"/>. On anything but <see cref="KeyringFileStatus.Ok"/>
    /// <paramref name="keys"/> is empty; <paramref name="problem"/> names the file and what is wrong with it (empty
    /// for <see cref="KeyringFileStatus.Ok"/> and <see cref="KeyringFileStatus.Missing"/>).</summary>
    public static KeyringFileStatus TryRead(string path, out byte[][] keys, out string problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        keys = [];
        problem = "";
        if (Directory.Exists(path))
        {
            problem = $"{path}: is a directory, not a keyring file";
            return KeyringFileStatus.Unreadable;
        }
        byte[] content;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > MaxFileBytes)
            {
                problem = $"{path}: is {stream.Length} bytes, more than a keyring file's {MaxFileBytes}";
                return KeyringFileStatus.Malformed;
            }
            content = new byte[stream.Length];
            stream.ReadExactly(content);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return KeyringFileStatus.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{path}: cannot be read: {e.Message}";
            return KeyringFileStatus.Unreadable;
        }
        try
        {
            KeyringFileStatus status = TryParse(content, out keys, out string why);
            if (status != KeyringFileStatus.Ok)
            {
                problem = $"{path}: {why}";
            }
            return status;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary>Parses a keyring file's content: <see cref="KeyringFileStatus.Ok"/> with the keys (primary first),
    /// or <see cref="KeyringFileStatus.Malformed"/> with what is wrong.</summary>
    public static KeyringFileStatus TryParse(ReadOnlySpan<byte> json, out byte[][] keys, out string problem)
    {
        keys = [];
        var found = new List<byte[]>();
        try
        {
            problem = Parse(json, found);
        }
        catch (JsonException e)
        {
            problem = $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {Expected}";
        }
        if (problem.Length > 0)
        {
            foreach (byte[] key in found)
            {
                CryptographicOperations.ZeroMemory(key);
            }
            return KeyringFileStatus.Malformed;
        }
        keys = [.. found];
        return KeyringFileStatus.Ok;
    }

    /// <summary>The file's content for <paramref name="keys"/> (primary first), two-space indented like Serf's. The
    /// caller owns the array and should zero it once written.</summary>
    public static byte[] Format(IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("a keyring file holds at least one key", nameof(keys));
        }
        int size = "[\n]\n".Length;
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys[i] is null || !Keyring.IsValidKeySize(keys[i].Length))
            {
                throw new ArgumentException($"key [{i}] is {keys[i]?.Length ?? 0} bytes; a key is 16, 24 or 32", nameof(keys));
            }
            size += "  \"\"\n".Length + Base64.GetMaxEncodedToUtf8Length(keys[i].Length) + (i < keys.Count - 1 ? 1 : 0);
        }
        var content = new byte[size];
        int at = Put(content, 0, "[\n"u8);
        for (int i = 0; i < keys.Count; i++)
        {
            at = Put(content, at, "  \""u8);
            Base64.EncodeToUtf8(keys[i], content.AsSpan(at), out _, out int written);
            at = Put(content, at + written, i < keys.Count - 1 ? "\",\n"u8 : "\"\n"u8);
        }
        at = Put(content, at, "]\n"u8);
        Debug.Assert(at == size, "the size was computed wrong");
        return content;
    }

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="keys"/> (primary first), atomically
    /// and durably, mode 0600. False with <paramref name="problem"/> (naming the file) when it could not; the old file
    /// is then untouched and no temporary file is left behind.</summary>
    public static bool TryWrite(string path, IReadOnlyList<byte[]> keys, out string problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(keys);
        problem = "";
        if (keys.Count == 0)
        {
            problem = $"{path}: no keys to save (a keyring file holds at least one)";
            return false;
        }
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target) ?? "/";
        // Hidden, unique and created exclusively: never a file someone else made (or a link planted) in its place.
        string temporary = Path.Combine(directory,
            $".{Path.GetFileName(target)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        byte[] content = Format(keys);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = Mode;
            }
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            problem = $"{target}: {e.Message}";
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
        // The rename is in place; without this it may not survive a power cut.
        int error = DirectorySync.Flush(directory);
        if (error != 0)
        {
            problem = $"{target}: written, but syncing directory {directory} failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(error)}";
            return false;
        }
        return true;
    }

    private static string Parse(ReadOnlySpan<byte> json, List<byte[]> keys)
    {
        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        if (json.StartsWith(byteOrderMark))
        {
            json = json[byteOrderMark.Length..]; // from an editor
        }
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return $"is empty: {Expected}";
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"holds {Describe(reader.TokenType)}: {Expected}";
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int index = keys.Count;
            if (reader.TokenType != JsonTokenType.String)
            {
                return $"element [{index}] is {Describe(reader.TokenType)}, not a base64 key";
            }
            if (!reader.TryGetBytesFromBase64(out byte[]? key))
            {
                return $"element [{index}] is not base64";
            }
            if (!Keyring.IsValidKeySize(key.Length))
            {
                CryptographicOperations.ZeroMemory(key);
                return $"element [{index}] is {key.Length} bytes; a key is 16, 24 or 32 bytes";
            }
            for (int other = 0; other < keys.Count; other++)
            {
                if (keys[other].AsSpan().SequenceEqual(key))
                {
                    CryptographicOperations.ZeroMemory(key);
                    return $"element [{index}] repeats element [{other}]";
                }
            }
            keys.Add(key);
        }
        if (keys.Count == 0)
        {
            return $"holds no keys: {Expected}";
        }
        // Anything but white space after the array makes the reader throw (a JSON document is one value).
        reader.Read();
        return "";
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static int Put(byte[] content, int at, ReadOnlySpan<byte> text)
    {
        text.CopyTo(content.AsSpan(at));
        return at + text.Length;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write already failed and says so; a stray hidden temporary file is all that is left.
        }
    }
}
