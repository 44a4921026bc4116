using System.Text.Json;
using System.Text.Json.Nodes;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Writes sections into perf/results/gossip-&lt;date&gt;.json at the repository root, merging with what is
/// already there (tests and the runner each add their own section). The date is the only wall-clock input.</summary>
public static class PerfResults
{
    private static readonly object Gate = new();

    public static string Write(string section, JsonObject values)
    {
        string dir = Path.Combine(RepositoryRoot(), "perf", "results");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"gossip-{DateTime.UtcNow:yyyy-MM-dd}.json");
        lock (Gate)
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    JsonObject root = file.Length > 0 ? JsonNode.Parse(file) as JsonObject ?? new JsonObject() : new JsonObject();
                    values["recorded_utc"] = DateTime.UtcNow.ToString("O");
                    root[section] = values;
                    file.SetLength(0);
                    JsonSerializer.Serialize(file, root, new JsonSerializerOptions { WriteIndented = true });
                    return path;
                }
                catch (IOException) when (attempt < 50)
                {
                    Thread.Sleep(100); // another process holds the file
                }
            }
        }
    }

    private static string RepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Overlay.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
