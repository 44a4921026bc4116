using System.CommandLine;
using Overlay.Cli;
using Overlay.Control;

namespace Overlay.Control.Tests.Cli;

/// <summary>Usage errors exit 2 naming the bad value and send nothing; an unreachable daemon exits 1.</summary>
public sealed class OverlayCtlUsageTests
{
    [Theory]
    [InlineData("zz:00:00:00:00:01", "invalid MAC address 'zz:00:00:00:00:01'")]
    [InlineData("02:00:00:00:00", "invalid MAC address '02:00:00:00:00'")]
    [InlineData("02-00-00-00-00-01", "invalid MAC address '02-00-00-00-00-01'")]
    public async Task BadMac_ExitsTwo(string mac, string expected)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "fdb", "add", mac, "--port", "a", "--vni", "42");

        AssertUsageError(run, expected);
        Assert.Empty(harness.Handler.Requests);
    }

    [Theory]
    [InlineData("16777216")]
    [InlineData("-1")]
    [InlineData("forty-two")]
    [InlineData("0x2a")]
    public async Task BadVni_ExitsTwo(string vni)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "fdb", "show", "--vni", vni);

        AssertUsageError(run, $"invalid VNI '{vni}': expected a number from 0 to 16777215");
        Assert.Empty(harness.Handler.Requests);
    }

    [Theory]
    [InlineData("198.18.0")]
    [InlineData("42")]
    [InlineData("198.18.0.256")]
    [InlineData("vtep-2")]
    public async Task BadAddress_ExitsTwo(string address)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "fdb", "del", "02:00:00:00:00:01", "--vni", "42", "--dst", address);

        AssertUsageError(run, $"invalid IP address '{address}'");
        Assert.Empty(harness.Handler.Requests);
    }

    [Theory]
    [InlineData("install", "not-base64!", "invalid key 'not-base64!': not base64")]
    [InlineData("use", "AAAAAAAAAAAAAAAAAAAAAA=", "invalid key 'AAAAAAAAAAAAAAAAAAAAAA=': not base64")]
    [InlineData("remove", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "invalid key 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=': 20 bytes")]
    [InlineData("install", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "invalid key 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA': 36 bytes")]
    [InlineData("install", "", "invalid key '': 0 bytes")]
    public async Task BadKey_ExitsTwo(string op, string key, string expected)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "keys", op, key);

        AssertUsageError(run, expected);
        Assert.Contains("16, 24 or 32 byte", run.Error, StringComparison.Ordinal);
        Assert.Empty(harness.Handler.Requests);
    }

    [Theory]
    [InlineData(new[] { "keys", "install" }, "Required argument missing")]
    [InlineData(new[] { "keys", "rotate" }, "'rotate'")]
    [InlineData(new[] { "keys", "list", "extra" }, "'extra'")]
    [InlineData(new[] { "fdb", "add", "02:00:00:00:00:01", "--vni", "42" }, "--port or --dst is required")]
    [InlineData(new[] { "fdb", "add", "02:00:00:00:00:01", "--vni", "42", "--port", "a", "--dst", "198.18.0.2" }, "--port and --dst cannot be used together")]
    [InlineData(new[] { "fdb", "replace", "02:00:00:00:00:01", "--port", "a" }, "--vni or --network is required")]
    [InlineData(new[] { "fdb", "del", "02:00:00:00:00:01", "--vni", "42", "--network", "blue" }, "--vni and --network cannot be used together")]
    [InlineData(new[] { "fdb", "add", "02:00:00:00:00:01", "--vni", "42", "--port", "a", "sticky" }, "'sticky'")]
    [InlineData(new[] { "fdb", "add", "--vni", "42", "--port", "a" }, "Required argument missing")]
    [InlineData(new[] { "fdb", "show", "-o", "yaml" }, "'yaml'")]
    [InlineData(new[] { "fdb", "frobnicate" }, "'frobnicate'")]
    [InlineData(new[] { "endpoints", "--vni", "forty-two" }, "invalid VNI 'forty-two'")]
    [InlineData(new[] { "members", "extra" }, "'extra'")]
    [InlineData(new string[0], "Required command")]
    public async Task BadCommandLine_ExitsTwo(string[] args, string expected)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, args);

        AssertUsageError(run, expected);
        Assert.Empty(harness.Handler.Requests);
    }

    [Fact]
    public async Task DaemonNotRunning_ExitsOne_WithTheClearMessage()
    {
        string path = Path.Combine(ServerHarness.NewDirectory(), "overlayd.sock");

        CliRun run = await CliRun.RunAsync("-s", path, "stats");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"Error: cannot reach overlayd at {path}: no such socket — is the daemon running?", run.Error.TrimEnd());
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task StaleSocket_ExitsOne_SayingConnectionRefused()
    {
        string directory = ServerHarness.NewDirectory();
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "overlayd.sock");
        try
        {
            StaleSocket.Create(path);

            CliRun run = await CliRun.RunAsync("fdb", "show", "--socket", path);

            Assert.Equal(1, run.ExitCode);
            Assert.Equal($"Error: cannot reach overlayd at {path}: connection refused — is the daemon running?", run.Error.TrimEnd());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Help_ExitsZero()
    {
        CliRun run = await CliRun.RunAsync("fdb", "add", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--port", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/srv/overlay.sock", "/srv/overlay.sock")]
    [InlineData(null, ControlProtocol.DefaultSocketPath)]
    [InlineData("", ControlProtocol.DefaultSocketPath)]
    public void SocketDefault_ComesFromTheEnvironment(string? environment, string expected)
    {
        RootCommand root = OverlayCtl.BuildRootCommand(() => environment);

        ParseResult parseResult = root.Parse(["stats"]);

        Assert.Equal(expected, parseResult.GetValue<string>("--socket"));
    }

    private static void AssertUsageError(CliRun run, string expected)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.StartsWith("Error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Contains("--help", run.Error, StringComparison.Ordinal);
    }
}
