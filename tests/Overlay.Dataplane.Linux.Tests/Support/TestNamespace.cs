using System.Security.Cryptography;

namespace Overlay.Dataplane.Linux.Tests.Support;

/// <summary>A named network namespace "ovlt-XXXXXXXX" with lo up; deleted (with everything in it) on Dispose.</summary>
internal sealed class TestNamespace : IDisposable
{
    public TestNamespace()
    {
        Name = "ovlt-" + Suffix();
        Ip.Run("netns", "add", Name);
        try
        {
            Ip.Run("-n", Name, "link", "set", "lo", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    /// <summary>Eight random hex digits, for names that must not collide with other runs.</summary>
    public static string Suffix() => Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    public void Dispose() => Ip.TryRun("netns", "del", Name);

    public override string ToString() => Name;
}
