using System.Text.Json;
using Overlay.Cli;
using Overlay.Control;

namespace Overlay.Control.Tests.Cli;

/// <summary>overlayctl against a fake overlayd: what each verb prints, as text and as JSON.</summary>
public sealed class OverlayCtlOutputTests
{
    [Fact]
    public async Task FdbShow_Text_IsOneBridgeStyleLinePerEntry()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "fdb", "show");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "02:00:00:00:00:01 dev a vni 42 master blue permanent",
                "02:00:00:00:00:0b dst 198.18.0.2 vni 42 self dynamic used 3/1",
                "00:00:00:00:00:00 dst 198.18.0.3 vni 42 self permanent",
                "02:00:00:00:00:02 dev c vni 7 master red static used 10/0",
            ],
            run.OutputLines);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task FdbShow_Json_IsTheEntryArray_AndFiltersReachTheDaemon()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(
            harness, "-o", "json", "fdb", "show", "--vni", "42", "--network", "blue", "--port", "a", "--mac", "02:00:00:00:00:0B", "--dst", "198.18.0.2");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(SampleData.Entries, JsonSerializer.Deserialize(run.Output, ControlJsonContext.Default.IReadOnlyListFdbEntryDto));
        Assert.Equal(new FdbFilter("blue", 42, "a", "02:00:00:00:00:0b", "198.18.0.2"), harness.Handler.Last<FdbFilter>());
    }

    [Fact]
    public async Task Fdb_Alone_ListsEverything()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "fdb");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(SampleData.Entries.Count, run.OutputLines.Length);
        Assert.Equal(new FdbFilter(), harness.Handler.Last<FdbFilter>());
    }

    [Theory]
    [InlineData("add", new[] { "02:00:00:00:00:0C", "--port", "a", "--vni", "42" }, "42", "02:00:00:00:00:0c", "a", null, "permanent")]
    [InlineData("append", new[] { "00:00:00:00:00:00", "--dst", "198.18.0.9", "--network", "blue", "static" }, "blue", "00:00:00:00:00:00", null, "198.18.0.9", "static")]
    [InlineData("replace", new[] { "--network", "red", "02:00:00:00:00:0d", "dynamic", "--dst", "2001:db8:0::2" }, "red", "02:00:00:00:00:0d", null, "2001:db8::2", "dynamic")]
    [InlineData("del", new[] { "02:00:00:00:00:0b", "--vni", "42", "--dst", "198.18.0.2" }, "42", "02:00:00:00:00:0b", null, "198.18.0.2", "permanent")]
    public async Task FdbChange_SendsTheChange_AndPrintsNothing(
        string op, string[] rest, string network, string mac, string? port, string? dst, string kind)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, ["fdb", op, .. rest]);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal(new FdbChangeDto(op, network, mac, port, dst, kind), harness.Handler.Last<FdbChangeDto>());
    }

    [Fact]
    public async Task FdbFlush_PrintsTheCount()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.FlushResult = ControlResult.Success(3);

        CliRun text = await CliRun.AgainstAsync(harness, "fdb", "flush", "--vni", "42", "--static");
        CliRun json = await CliRun.AgainstAsync(harness, "fdb", "flush", "--port", "a", "-o", "json");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal("flushed 3 entries\n", text.Output);
        Assert.Equal(3, JsonSerializer.Deserialize(json.Output, ControlJsonContext.Default.CountResultDto)?.Count);
        FdbFlushDto[] flushes = harness.Handler.Requests.OfType<FdbFlushDto>().ToArray();
        Assert.Equal(new FdbFilter(Vni: 42), flushes[0].Filter);
        Assert.True(flushes[0].IncludeStatic);
        Assert.Equal(new FdbFilter(Port: "a"), flushes[1].Filter);
        Assert.False(flushes[1].IncludeStatic);
    }

    [Fact]
    public async Task PortShow_Text_IsATable()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "port", "show");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "NAME  NETWORK  VNI  KIND          NETNS  IFNAME  MAC                 MTU",
                "a     blue      42  tap           ns-a   eth0    02:00:00:00:00:01  1450",
                "b     blue      42  tap-attached  -      -       -                  1500",
                "c     red        7  tap           ns-c   eth0    02:00:00:00:00:02  1450",
            ],
            run.OutputLines);
    }

    [Fact]
    public async Task PortShow_Json_IsThePortArray()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "port", "show", "--output", "json");

        Assert.Equal(SampleData.Ports, JsonSerializer.Deserialize(run.Output, ControlJsonContext.Default.IReadOnlyListPortDto));
    }

    [Fact]
    public async Task NetworkShow_TextAndJson()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun text = await CliRun.AgainstAsync(harness, "network", "show");
        CliRun json = await CliRun.AgainstAsync(harness, "network", "-o", "json");

        Assert.Equal(
            [
                "NAME  VNI  LEARNING  AGEING  MAX-ADDRS  FDB  PORTS  FLOOD",
                "blue   42  on          300s          0    3  a,b    198.18.0.3",
                "red     7  off        30.5s       1024    1  c      -",
            ],
            text.OutputLines);
        IReadOnlyList<NetworkDto>? networks = JsonSerializer.Deserialize(json.Output, ControlJsonContext.Default.IReadOnlyListNetworkDto);
        Assert.Equal(SampleData.Networks.Select(n => n.Name), networks?.Select(n => n.Name));
        Assert.Equal(["a", "b"], networks?[0].Ports);
    }

    [Fact]
    public async Task Stats_TextAndJson()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun text = await CliRun.AgainstAsync(harness, "stats");
        CliRun json = await CliRun.AgainstAsync(harness, "stats", "-o", "json");

        Assert.Equal(
            [
                "TYPE      NAME      RX-PACKETS  RX-BYTES  TX-PACKETS  TX-BYTES  DROPS  DROP-REASONS",
                "port      a                 10      1500          12      1800      3  no_fdb_entry=2,ttl_exceeded=1",
                "port      b                  0         0           0         0      0  -",
                "network   blue              10      1500          12      1800      4  unknown_vni=4",
                "underlay  underlay          22      3300          24      3600      0  -",
            ],
            text.OutputLines);
        StatsDto? stats = JsonSerializer.Deserialize(json.Output, ControlJsonContext.Default.StatsDto);
        Assert.Equal(22, stats?.Underlay.RxPackets);
        Assert.Equal(2, stats?.Ports[0].Drops["no_fdb_entry"]);
    }

    [Fact]
    public async Task Members_Text_IsATable_WithIPv6InBrackets()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "members");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "NAME    ADDRESS              STATE    INCARNATION",
                "host-1  198.18.0.1:7946      alive              3",
                "host-2  198.18.0.2:7946      suspect           12",
                "host-3  [2001:db8::3]:17946  dead               0",
            ],
            run.OutputLines);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Members_Json_IsTheMemberArray()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "members", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(SampleData.Members, JsonSerializer.Deserialize(run.Output, ControlJsonContext.Default.IReadOnlyListMemberDto));
    }

    [Fact]
    public async Task Endpoints_Text_IsATable()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "endpoints");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "NETWORK  VNI  ENDPOINT  MAC                ADDRESSES             VTEP         OWNER                VERSION  STATE",
                "blue      42  ep-a      02:00:00:00:00:01  198.19.0.1,2001:2::1  198.18.0.1   host-1                     4  local",
                "blue      42  ep-b      02:00:00:00:00:0b  198.19.0.11           198.18.0.2   host-2                    17  installed",
                "red        7  ep-c      02:00:00:00:00:0c  -                     2001:db8::3  host-3  18446744073709551615  suspended",
            ],
            run.OutputLines);
        Assert.Empty(run.Error);
    }

    [Theory]
    [InlineData(new[] { "--vni", "42" }, new[] { "ep-a", "ep-b" })]
    [InlineData(new[] { "--network", "red" }, new[] { "ep-c" })]
    [InlineData(new[] { "--network", "blue", "--vni", "7" }, new string[0])]
    [InlineData(new string[0], new[] { "ep-a", "ep-b", "ep-c" })]
    public async Task Endpoints_Json_IsTheFilteredEndpointArray(string[] filters, string[] expected)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, ["endpoints", "-o", "json", .. filters]);

        Assert.Equal(0, run.ExitCode);
        IReadOnlyList<EndpointDto>? endpoints = JsonSerializer.Deserialize(run.Output, ControlJsonContext.Default.IReadOnlyListEndpointDto);
        Assert.Equal(expected, endpoints?.Select(e => e.EndpointId));
    }

    [Fact]
    public async Task Endpoints_Text_FilteredByVni_SizesColumnsToWhatIsShown()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "endpoints", "--vni", "42");

        Assert.Equal(
            [
                "NETWORK  VNI  ENDPOINT  MAC                ADDRESSES             VTEP        OWNER   VERSION  STATE",
                "blue      42  ep-a      02:00:00:00:00:01  198.19.0.1,2001:2::1  198.18.0.1  host-1        4  local",
                "blue      42  ep-b      02:00:00:00:00:0b  198.19.0.11           198.18.0.2  host-2       17  installed",
            ],
            run.OutputLines);
    }

    [Theory]
    [InlineData("keys", "list")]
    [InlineData("keys")]
    public async Task KeysList_Text_IsFingerprints_PrimaryFirstAndMarked(params string[] args)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, args);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "FINGERPRINT       PRIMARY",
                "630dcd2966c43366  yes",
                "374708fff7719dd5  no",
            ],
            run.OutputLines);
        Assert.Empty(run.Error);
        Assert.Equal("keys", harness.Handler.Last<string>());
    }

    [Fact]
    public async Task KeysList_Json_IsTheKeyArray()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "keys", "list", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("[{\"fingerprint\":\"630dcd2966c43366\",\"primary\":true},{\"fingerprint\":\"374708fff7719dd5\",\"primary\":false}]", run.Output.TrimEnd());
    }

    [Theory]
    [InlineData("install", SampleData.Key32, SampleData.Key32)]
    [InlineData("use", SampleData.Key16, SampleData.Key16)]
    [InlineData("remove", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX")]
    [InlineData("install", "AAAAAAAA AAAAAAAA AAAAAA==", SampleData.Key16)]
    public async Task KeyChange_SendsTheKey_AndPrintsNothing(string op, string key, string sent)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        CliRun run = await CliRun.AgainstAsync(harness, "keys", op, key);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(new KeyChangeDto(op, sent), harness.Handler.Last<KeyChangeDto>());
        Assert.Empty(run.Output);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task KeyChange_RefusedByTheDaemon_ExitsOne_WithItsMessage()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.KeyChangeResult = ControlResult.Failure("key 630dcd2966c43366 is not installed");

        CliRun run = await CliRun.AgainstAsync(harness, "keys", "use", SampleData.Key32);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: key 630dcd2966c43366 is not installed\n", run.Error.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("members")]
    [InlineData("endpoints")]
    [InlineData("keys")]
    public async Task GossipOff_ExitsOne_WithTheDaemonsMessage(string verb)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.Failure = new InvalidOperationException("gossip is not enabled");

        CliRun run = await CliRun.AgainstAsync(harness, verb);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: gossip is not enabled\n", run.Error.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task DaemonSideError_ExitsOne_WithItsMessage()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.ChangeResult = ControlResult.Failure("no network 'green'");

        CliRun run = await CliRun.AgainstAsync(harness, "fdb", "add", "02:00:00:00:00:01", "--port", "a", "--network", "green");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: no network 'green'\n", run.Error.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task SyncEntry_RunsTheSameWay()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = OverlayCtl.Run(["--socket", harness.SocketPath, "fdb", "show", "-o", "json"], output, error);

        Assert.Equal(0, exitCode);
        Assert.Equal(SampleData.Entries, JsonSerializer.Deserialize(output.ToString(), ControlJsonContext.Default.IReadOnlyListFdbEntryDto));
    }
}
