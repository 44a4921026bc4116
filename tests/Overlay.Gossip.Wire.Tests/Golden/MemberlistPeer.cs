namespace Overlay.Gossip.Wire.Tests.Golden;

/// <summary>Finds tests/interop/memberlist-peer/bin/memberlist-peer, the real memberlist that
/// tests/interop/memberlist-peer/build.sh builds (make test runs it first). Tests that need it
/// fail, never skip, when it is missing.</summary>
internal static class MemberlistPeer
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string PeerDirectory => Path.Combine(RepoRoot, "tests", "interop", "memberlist-peer");

    public static string BinaryPath => Path.Combine(PeerDirectory, "bin", "memberlist-peer");

    /// <summary>The peer binary, or an exception whose message says how to get it.</summary>
    public static string RequireBinary()
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException(
                $"The memberlist interop peer is missing ({BinaryPath}). These tests compare against the real " +
                "hashicorp/memberlist and need the Go toolchain: run tests/interop/memberlist-peer/build.sh " +
                "(it installs the Debian packages golang-go and golang-github-hashicorp-memberlist-dev, then builds offline).");
        }
        return BinaryPath;
    }

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Overlay.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException($"Overlay.sln not found above {AppContext.BaseDirectory}");
    }
}
