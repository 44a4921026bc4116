using System.Diagnostics;

namespace Overlay.Gossip.Wire.Tests.Golden;

/// <summary>Runs <c>memberlist-peer -dump DIR</c> once per test run and serves the files: every
/// message, packet and stream form as memberlist 0.2.x itself encodes them.</summary>
public sealed class GoldenFiles : IDisposable
{
    private readonly string _directory;

    public GoldenFiles()
    {
        string peer = MemberlistPeer.RequireBinary();
        _directory = Path.Combine(Path.GetTempPath(), "overlay-golden-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(peer) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-dump");
        start.ArgumentList.Add(_directory);
        using Process process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(30_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"memberlist-peer -dump failed: {stderr}");
        }
    }

    public byte[] this[string name]
    {
        get
        {
            string path = Path.Combine(_directory, name + ".bin");
            return File.Exists(path) ? File.ReadAllBytes(path) : throw new FileNotFoundException($"golden file {name}.bin was not dumped", path);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GoldenCollection : ICollectionFixture<GoldenFiles>
{
    public const string Name = "memberlist golden bytes";
}
