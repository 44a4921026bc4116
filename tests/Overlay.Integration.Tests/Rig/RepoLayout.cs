namespace Overlay.Integration.Tests.Rig;

/// <summary>Where the repository and the overlayd / overlayctl binaries are. Builds them (Release) only when their
/// dll is missing; run-tests.sh has normally built the whole solution already.</summary>
public static class RepoLayout
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lock BuildGate = new();

    public static string Root => LazyRoot.Value;

    public static string Overlayd => Binary("controlplane/src/Overlay.Daemon", "overlayd.dll");

    public static string Overlayctl => Binary("controlplane/src/Overlay.Cli", "overlayctl.dll");

    /// <summary>The dotnet host that runs the dlls: the one running these tests when the CLI says so.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string Binary(string project, string dll)
    {
        string dir = Path.Combine(Root, project);
        string path = Path.Combine(dir, "bin", "Release", "net10.0", dll);
        lock (BuildGate)
        {
            if (!File.Exists(path))
            {
                Command.Run([Dotnet, "build", "-c", "Release", "-nologo", "-v:q", dir], TimeSpan.FromMinutes(5));
                if (!File.Exists(path)) throw new FileNotFoundException($"building {project} did not produce {path}");
            }
        }
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Overlay.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no Overlay.sln above {AppContext.BaseDirectory}");
    }
}
