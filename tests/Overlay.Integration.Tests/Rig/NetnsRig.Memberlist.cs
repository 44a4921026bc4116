namespace Overlay.Integration.Tests.Rig;

// Running the Go memberlist peer (tests/interop/memberlist-peer) inside the rig.
public sealed partial class NetnsRig
{
    private static readonly TimeSpan MemberlistPeerStartTimeout = TimeSpan.FromSeconds(15);

    public static string MemberlistPeerBinary => Path.Combine(RepoLayout.Root, "tests", "interop", "memberlist-peer", "bin", "memberlist-peer");

    /// <summary>
    /// Starts the Go memberlist peer in <paramref name="host"/> as member <paramref name="name"/>, bound to the host's
    /// IPv4 underlay address, and returns once memberlist runs. <paramref name="key"/> (base64) turns on memberlist's
    /// own encryption; <paramref name="meta"/> is its node metadata. A missing binary fails the test: interop is part
    /// of the contract, and `make test` builds the peer (`make interop`) before running the tests.
    /// </summary>
    public MemberlistPeer StartMemberlistPeer(RigHost host, string name, string? key = null, string? meta = null)
    {
        string binary = MemberlistPeerBinary;
        if (!File.Exists(binary))
            throw new FileNotFoundException($"the Go memberlist peer is not built ({binary} is missing): run `make interop` (tests/interop/memberlist-peer/build.sh)", binary);
        string address = host.V4 ?? throw new ArgumentException($"{host.Name} has no IPv4 underlay address for the memberlist peer", nameof(host));
        List<string> argv = [binary, "-bind", $"{address}:{MemberlistPeer.Port}", "-name", name];
        if (key is not null) argv.AddRange(["-key", key]);
        if (meta is not null) argv.AddRange(["-meta", meta]);
        var process = StartIn(host.Namespace, $"memberlist-peer@{host.Name}", [.. argv]);
        process.WaitForOutput("\"event\":\"ready\"", MemberlistPeerStartTimeout);
        return new MemberlistPeer(name, process);
    }
}
