using System.Text.Json.Nodes;
using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests;

/// <summary>overlayd refuses a bad config at start, says which key is wrong, and touches nothing.</summary>
[Collection(NetnsCollection.Name)]
public sealed class ConfigErrorTests(ConfigHostFixture f) : IClassFixture<ConfigHostFixture>
{
    /// <summary>Long enough for a cold start; a daemon that wrongly accepted the config would still be running.</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public void ValidConfig_PassesCheck()
    {
        var result = f.Rig.RunOverlayd(f.H1.Namespace, RunLimit, "--config", f.Rig.WriteConfig("valid", f.ValidConfig().ToJsonString()), "--check");

        Assert.True(result.Ok, result.ToString());
        Assert.Contains("ok", result.Stdout);
    }

    [Fact]
    public void VniOutOfRange_ExitsNonZero_NamingTheKey()
    {
        var config = f.ValidConfig();
        config["networks"]![0]!["vni"] = 99999999;

        var result = Reject("vni-out-of-range", config);

        Assert.Contains("networks[0].vni", result.Stderr);
        Assert.Contains("99999999", result.Stderr);
    }

    [Theory]
    [InlineData("underlay", "prot")]
    [InlineData("network", "vnii")]
    [InlineData("endpoint", "macaddress")]
    public void UnknownKey_ExitsNonZero_NamingTheKey(string where, string key)
    {
        var config = f.ValidConfig();
        var parent = where switch
        {
            "underlay" => config["underlay"]!.AsObject(),
            "network" => config["networks"]![0]!.AsObject(),
            _ => config["networks"]![0]!["endpoints"]![0]!.AsObject(),
        };
        parent[key] = 1;

        var result = Reject($"unknown-{key}", config);

        Assert.Contains($"'{key}'", result.Stderr);
    }

    /// <summary>Runs overlayd (no --check: the real start path) and expects a refusal that created nothing.</summary>
    private CommandResult Reject(string name, JsonObject config)
    {
        string file = f.Rig.WriteConfig(name, config.ToJsonString());
        var result = f.Rig.RunOverlayd(f.H1.Namespace, RunLimit, "--config", file);

        Assert.True(result.ExitCode != 0, $"overlayd accepted a bad config:\n{result}");
        Assert.Contains(file, result.Stderr);
        Assert.False(f.Rig.HasLink(f.A, "eth0"), "a rejected config still created the endpoint's TAP");
        return result;
    }
}
