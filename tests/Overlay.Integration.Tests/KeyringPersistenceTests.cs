using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;
using Overlay.Integration.Tests.Rig;
using Xunit.Abstractions;

namespace Overlay.Integration.Tests;

/// <summary>
/// gossip.keyringFile end to end: two overlayd hosts (198.18.0.1, .2) gossiping with key K1 rotate to K2 with
/// overlayctl, each step saved to their keyring files; one of them is killed (-9) and started again with the very
/// same config, whose gossip.keys still lists only K1. It must come back with K2 from its file and rejoin. A
/// keyring file that is not one stops the start, naming the file.
/// </summary>
[Collection(NetnsCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class KeyringPersistenceTests(ITestOutputHelper output)
{
    private const int Vni = 42;

    /// <summary>From start (or restart) to a converged pair: a cold dotnet start on a busy 2-core machine, the join
    /// retry, push/pull and a few gossip rounds (as <c>GossipClusterFixture.ConvergeTimeout</c>).</summary>
    private static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(30);

    // Two key sizes on purpose: AES-256 then AES-128.
    private static readonly string K1 = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
    private static readonly string K2 = Convert.ToBase64String([.. Enumerable.Range(101, 16).Select(i => (byte)i)]);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void RotatedKeys_AreSaved_AndAKilledDaemon_ComesBackWithThemFromItsKeyringFile_AndRejoins()
    {
        using var rig = new NetnsRig();
        RigHost[] hosts = [rig.AddHost("h1", 1), rig.AddHost("h2", 2)];
        OverlaydEndpoint[] endpoints = [.. Enumerable.Range(1, 2).Select(n =>
            new OverlaydEndpoint($"e{n}", rig.AddEndpointNamespace($"e{n}"), $"02:00:00:00:00:{n:x2}", $"198.19.0.{n}/24"))];
        string[] keyrings = [.. hosts.Select(h => Path.Combine(rig.WorkDir, $"keyring-{h.Name}.json"))];
        // The config never changes: gossip.keys lists only K1, before and after the rotation.
        OverlaydConfig ConfigFor(int i) => rig.OverlaydConfigFor(hosts[i])
            .With(new OverlaydNetwork("blue", Vni, [], [endpoints[i]], ArpProxy: true))
            .With(new OverlaydGossip([hosts[0].Vtep], Preset: "local") { Keys = [K1], KeyringFile = keyrings[i] });

        OverlayDaemon[] daemons = [rig.StartOverlayd(hosts[0], ConfigFor(0)), rig.StartOverlayd(hosts[1], ConfigFor(1))];
        WaitFor(rig, "the pair to converge on K1", () => Problem(daemons, hosts, endpoints, K1));
        for (int i = 0; i < 2; i++)
        {
            // The first start made the file from gossip.keys, so it holds the running keyring from then on.
            Assert.Equal([K1], Saved(keyrings[i]));
            Assert.True(daemons[i].Log.Contains($"gossip keyring file {keyrings[i]} did not exist: created from gossip.keys", StringComparison.Ordinal), daemons[i].Log);
        }

        // The rotation, as an operator does it: each step on every node before the next, each step saved at once.
        (string Verb, string Key, string[] Expected)[] steps = [("install", K2, [K1, K2]), ("use", K2, [K2, K1]), ("remove", K1, [K2])];
        foreach (var (verb, key, expected) in steps)
        {
            for (int i = 0; i < 2; i++)
            {
                var result = daemons[i].Ctl.Run("keys", verb, key);
                Assert.True(result.Ok, result.ToString());
                Assert.Equal(expected, Saved(keyrings[i]));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyrings[i]));
            }
        }
        WaitFor(rig, "the pair to carry on with K2 alone", () => Problem(daemons, hosts, endpoints, K2));

        // A crash: nothing runs on the way out. Then the same config again (gossip.keys: K1 only).
        daemons[1].Kill();
        var restart = Stopwatch.StartNew();
        daemons[1] = rig.StartOverlayd(hosts[1], ConfigFor(1));
        Assert.True(daemons[1].Log.Contains($"gossip keyring from {keyrings[1]} (keys: 1, primary {Fingerprint(K2)}); the file wins over gossip.keys", StringComparison.Ordinal),
            $"the restarted daemon did not say it took its keyring from the file:\n{daemons[1].Log}");
        var back = WaitFor(rig, "the restarted h2 to rejoin with K2", () => Problem(daemons, hosts, endpoints, K2));
        output.WriteLine($"kill -9 h2 and restart: rejoined with the saved key {(restart.Elapsed).TotalSeconds:F1} s after the restart ({back.TotalSeconds:F1} s of it waiting for convergence)");

        Assert.Equal([K2], Saved(keyrings[1]));
        OverlayAssert.PingsBothWays(rig, endpoints[0].Netns, endpoints[0].Address, endpoints[1].Netns, endpoints[1].Address);
    }

    [Fact]
    public void AMalformedKeyringFile_StopsTheStart_NamingTheKeyAndTheFile_AndIsLeftAlone()
    {
        using var rig = new NetnsRig();
        var host = rig.AddHost("h1", 1);
        var endpoint = new OverlaydEndpoint("e1", rig.AddEndpointNamespace("e1"), "02:00:00:00:00:01", "198.19.0.1/24");
        string keyring = Path.Combine(rig.WorkDir, "keyring-h1.json");
        string content = $"[\"{K2}\", \"not base64!\"]";
        File.WriteAllText(keyring, content);
        var config = rig.OverlaydConfigFor(host)
            .With(new OverlaydNetwork("blue", Vni, [], [endpoint], ArpProxy: true))
            .With(new OverlaydGossip([host.Vtep]) { Keys = [K1], KeyringFile = keyring });
        string file = rig.WriteConfig("overlayd-h1", config.ToJson().ToJsonString());

        var result = rig.RunOverlayd(host.Namespace, RunLimit, "--config", file);

        Assert.True(result.ExitCode == 2, $"overlayd should refuse the start as a config error (exit 2):\n{result}");
        Assert.Contains($"gossip.keyringFile: {keyring}: element [1] is not base64", result.Stderr);
        Assert.DoesNotContain(K2, result.Stdout + result.Stderr);
        Assert.False(rig.HasLink(endpoint.Netns, "eth0"), "a refused start still created the endpoint's TAP");
        Assert.Equal(content, File.ReadAllText(keyring));
    }

    /// <summary>What a keyring file holds: its JSON array of base64 keys, primary first.</summary>
    private static string[] Saved(string path) => JsonSerializer.Deserialize<string[]>(File.ReadAllText(path)) ?? [];

    /// <summary>How overlayctl names a key: the first 8 bytes of its SHA-256, in hex.</summary>
    private static string Fingerprint(string key) => Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(key))[..8]);

    /// <summary>Why the pair has not converged on <paramref name="key"/> as its only key, or null: each daemon lists
    /// both hosts alive and nobody else, holds exactly <paramref name="key"/> (primary), and has the other's endpoint
    /// as a static entry toward the other's VTEP.</summary>
    private static string? Problem(OverlayDaemon[] daemons, RigHost[] hosts, OverlaydEndpoint[] endpoints, string key)
    {
        var problems = new List<string>();
        for (int i = 0; i < daemons.Length; i++)
        {
            int other = 1 - i;
            try
            {
                var ctl = daemons[i].Ctl;
                var members = ctl.Members();
                foreach (var host in hosts)
                {
                    var row = members.FirstOrDefault(m => m.Name == host.Name);
                    if (row?.State != "alive") problems.Add($"{hosts[i].Name} lists {host.Name} as {row?.State ?? "absent"}");
                }
                var keys = JsonSerializer.Deserialize<List<KeyRow>>(ctl.Run("keys", "list", "-o", "json").Stdout, Json) ?? [];
                if (keys.Count != 1 || keys[0].Fingerprint != Fingerprint(key) || !keys[0].Primary)
                    problems.Add($"{hosts[i].Name} holds keys {string.Join(", ", keys)}, not {Fingerprint(key)} alone");
                var entries = ctl.FdbShow().Where(r => r.Vni == Vni && string.Equals(r.Mac, endpoints[other].Mac, StringComparison.OrdinalIgnoreCase)).ToList();
                if (entries.Count != 1 || entries[0].Kind != "static" || entries[0].Dst != hosts[other].Vtep)
                    problems.Add($"{hosts[i].Name} has {endpoints[other].Mac} as [{string.Join("; ", entries)}], not static toward {hosts[other].Vtep}");
            }
            catch (Exception e) when (e is CommandException or InvalidOperationException or JsonException)
            {
                problems.Add($"{hosts[i].Name}: overlayctl failed: {e.Message}");
            }
        }
        return problems.Count == 0 ? null : string.Join("\n", problems);
    }

    /// <summary>Polls <paramref name="problem"/> until it is null and returns how long that took; fails with the last
    /// problem and the daemons' logs after <see cref="ConvergeTimeout"/>.</summary>
    private static TimeSpan WaitFor(NetnsRig rig, string what, Func<string?> problem)
    {
        var clock = Stopwatch.StartNew();
        string? last;
        while ((last = problem()) is not null)
        {
            if (clock.Elapsed > ConvergeTimeout) Assert.Fail($"waited {ConvergeTimeout.TotalSeconds:F0} s for {what}; still:\n{last}\n\n{rig.Describe()}");
            Thread.Sleep(250);
        }
        return clock.Elapsed;
    }

    /// <summary>One row of `overlayctl keys list -o json`.</summary>
    private sealed record KeyRow(string Fingerprint, bool Primary)
    {
        public override string ToString() => Primary ? Fingerprint + " (primary)" : Fingerprint;
    }
}
