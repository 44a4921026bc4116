using System.Runtime.Versioning;
using System.Text;
using Overlay.Gossip.Security;

namespace Overlay.Gossip.Net.Tests.Security;

/// <summary>The keyring file: Serf's format, a round trip of every key size, a clear refusal of every malformed file
/// (never key material in the message), and writes that replace the file whole, mode 0600, leaving nothing behind.</summary>
[SupportedOSPlatform("linux")]
public sealed class KeyringFileTests : IDisposable
{
    private static readonly byte[] Key16 = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] Key24 = Enumerable.Range(41, 24).Select(i => (byte)i).ToArray();
    private static readonly byte[] Key32 = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("keyring-file-tests-");

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Format_is_Serfs_keyring_file_a_json_array_of_base64_keys_primary_first()
    {
        byte[] content = KeyringFile.Format([Key32, Key16]);

        string expected = "[\n  \"" + Convert.ToBase64String(Key32) + "\",\n  \"" + Convert.ToBase64String(Key16) + "\"\n]\n";
        Assert.Equal(expected, Encoding.UTF8.GetString(content));
        // What any JSON reader (Serf's json.Unmarshal into []string) makes of it.
        string[] parsed = System.Text.Json.JsonSerializer.Deserialize<string[]>(content)!;
        Assert.Equal([Convert.ToBase64String(Key32), Convert.ToBase64String(Key16)], parsed);
    }

    [Fact]
    public void Written_keys_read_back_in_order_for_every_key_size()
    {
        string path = PathOf("keyring.json");

        Assert.True(KeyringFile.TryWrite(path, [Key24, Key32, Key16], out string problem), problem);
        KeyringFileStatus status = KeyringFile.TryRead(path, out byte[][] keys, out problem);

        Assert.Equal(KeyringFileStatus.Ok, status);
        Assert.Equal("", problem);
        Assert.Equal([Key24, Key32, Key16], keys);
    }

    [Fact]
    public void A_file_written_by_hand_in_serfs_style_reads()
    {
        string json = $"[\r\n\t\"{Convert.ToBase64String(Key16)}\" , \"{Convert.ToBase64String(Key32)}\"\r\n]";

        Assert.Equal(KeyringFileStatus.Ok, KeyringFile.TryParse(Encoding.UTF8.GetBytes(json), out byte[][] keys, out _));
        Assert.Equal([Key16, Key32], keys);
    }

    [Fact]
    public void A_missing_file_is_missing_not_an_error()
    {
        Assert.Equal(KeyringFileStatus.Missing, KeyringFile.TryRead(PathOf("absent.json"), out byte[][] keys, out string problem));
        Assert.Empty(keys);
        Assert.Equal("", problem);
        Assert.Equal(KeyringFileStatus.Missing, KeyringFile.TryRead(PathOf("no-dir/absent.json"), out _, out _));
    }

    public static TheoryData<string, string, string> Malformed() => new()
    {
        { "empty", "", "is empty" },
        { "blank", " \n\t ", "is empty" },
        { "not json", "QHOYjmYlxSCBhdfiolhtDQ==", "is not valid JSON (line 1" },
        { "cut short", $"[\"{Convert.ToBase64String(Key16)}\"", "is not valid JSON" },
        { "trailing comma", $"[\"{Convert.ToBase64String(Key16)}\",]", "is not valid JSON" },
        { "comment", $"// keys\n[\"{Convert.ToBase64String(Key16)}\"]", "is not valid JSON (line 1" },
        { "content after the array", $"[\"{Convert.ToBase64String(Key16)}\"] []", "is not valid JSON" },
        { "an object", $"{{\"keys\": [\"{Convert.ToBase64String(Key16)}\"]}}", "holds an object" },
        { "a bare string", $"\"{Convert.ToBase64String(Key16)}\"", "holds a string" },
        { "no keys", "[]", "holds no keys" },
        { "a number", "[42]", "element [0] is a number" },
        { "a nested array", $"[[\"{Convert.ToBase64String(Key16)}\"]]", "element [0] is an array" },
        { "not base64", $"[\"{Convert.ToBase64String(Key16)}\", \"not base64!\"]", "element [1] is not base64" },
        { "wrong size", $"[\"{Convert.ToBase64String(Key16)}\", \"{Convert.ToBase64String(new byte[20])}\"]", "element [1] is 20 bytes; a key is 16, 24 or 32 bytes" },
        { "repeated key", $"[\"{Convert.ToBase64String(Key16)}\", \"{Convert.ToBase64String(Key32)}\", \"{Convert.ToBase64String(Key16)}\"]", "element [2] repeats element [0]" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_file_is_refused_naming_the_file_and_the_fault_never_the_keys(string what, string content, string expected)
    {
        string path = PathOf("keyring.json");
        File.WriteAllText(path, content);

        KeyringFileStatus status = KeyringFile.TryRead(path, out byte[][] keys, out string problem);

        Assert.True(status == KeyringFileStatus.Malformed, $"{what}: {status} {problem}");
        Assert.Empty(keys);
        Assert.StartsWith(path + ": ", problem);
        Assert.Contains(expected, problem);
        foreach (byte[] key in new[] { Key16, Key24, Key32 })
        {
            Assert.DoesNotContain(Convert.ToBase64String(key), problem);
        }
    }

    [Fact]
    public void A_huge_file_is_refused_unread()
    {
        string path = PathOf("huge.json");
        File.WriteAllBytes(path, new byte[KeyringFile.MaxFileBytes + 1]);

        Assert.Equal(KeyringFileStatus.Malformed, KeyringFile.TryRead(path, out _, out string problem));
        Assert.Contains("more than a keyring file's", problem);
    }

    [Fact]
    public void A_directory_in_the_files_place_is_unreadable()
    {
        string path = PathOf("keyring.json");
        Directory.CreateDirectory(path);

        Assert.Equal(KeyringFileStatus.Unreadable, KeyringFile.TryRead(path, out _, out string problem));
        Assert.Contains("is a directory", problem);
    }

    [Fact]
    public void A_write_replaces_the_file_whole_and_a_reader_of_the_old_one_still_sees_all_of_it()
    {
        string path = PathOf("keyring.json");
        Assert.True(KeyringFile.TryWrite(path, [Key16], out string problem), problem);
        byte[] before = File.ReadAllBytes(path);

        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Assert.True(KeyringFile.TryWrite(path, [Key32, Key16], out problem), problem);

        // A rename put a new file in place; the old one was never truncated or written to.
        var old = new byte[before.Length + 16];
        int read = reader.Read(old);
        Assert.Equal(before, old[..read]);
        Assert.Equal(KeyringFileStatus.Ok, KeyringFile.TryRead(path, out byte[][] keys, out _));
        Assert.Equal([Key32, Key16], keys);
        Assert.Equal(["keyring.json"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void A_written_file_is_mode_0600_even_over_a_file_others_could_read()
    {
        string path = PathOf("keyring.json");
        File.WriteAllText(path, "[]");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.True(KeyringFile.TryWrite(path, [Key16], out string problem), problem);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_failed_write_names_the_file_and_leaves_no_temporary_file()
    {
        // A directory where the file should go: the new file is written, the rename over the directory fails.
        string path = PathOf("keyring.json");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside"), "x");

        Assert.False(KeyringFile.TryWrite(path, [Key16], out string problem));

        Assert.StartsWith(path + ": ", problem);
        Assert.Empty(_dir.GetFiles());
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void A_write_into_a_missing_directory_fails_with_the_path()
    {
        string path = PathOf("no-such-dir/keyring.json");

        Assert.False(KeyringFile.TryWrite(path, [Key16], out string problem));
        Assert.StartsWith(path + ": ", problem);
    }

    [Fact]
    public void An_empty_keyring_is_never_written()
    {
        string path = PathOf("keyring.json");

        Assert.False(KeyringFile.TryWrite(path, [], out string problem));
        Assert.Contains("no keys", problem);
        Assert.False(File.Exists(path));
        Assert.Throws<ArgumentException>(() => KeyringFile.Format([new byte[20]]));
    }
}
