using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>Every verb travels client -> server -> handler -> server -> client intact.</summary>
public sealed class ControlServerVerbTests
{
    private static readonly IReadOnlyList<string> NoStrings = [];
    private static readonly IReadOnlyDictionary<string, long> NoDrops = new Dictionary<string, long>();

    [Fact]
    public async Task FdbShow_RoundTripsFilterAndEntries()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        var filter = new FdbFilter("blue", 42, "a", "02:00:00:00:00:01", "198.18.0.2");

        IReadOnlyList<FdbEntryDto> entries = await harness.Client.FdbShowAsync(filter);

        Assert.Equal(filter, harness.Handler.Last<FdbFilter>());
        Assert.Equal(SampleData.Entries, entries);
    }

    [Fact]
    public async Task FdbShow_WithoutFilter_SendsAnEmptyFilter()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        await harness.Client.FdbShowAsync();

        Assert.Equal(new FdbFilter(), harness.Handler.Last<FdbFilter>());
    }

    [Theory]
    [InlineData("add", "a", null, "permanent")]
    [InlineData("append", null, "198.18.0.9", "static")]
    [InlineData("replace", "b", null, "dynamic")]
    [InlineData("del", null, null, "permanent")]
    public async Task FdbChange_RoundTripsTheChangeAndCount(string op, string? port, string? dst, string kind)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.ChangeResult = ControlResult.Success(1);
        var change = new FdbChangeDto(op, "blue", "02:00:00:00:00:0c", port, dst, kind);

        int count = await harness.Client.FdbChangeAsync(change);

        Assert.Equal(change, harness.Handler.Last<FdbChangeDto>());
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task FdbChange_RefusedByTheHandler_ThrowsItsMessage()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.ChangeResult = ControlResult.Failure("no network 'green'");

        var error = await Assert.ThrowsAsync<ControlException>(
            () => harness.Client.FdbChangeAsync(new FdbChangeDto("add", "green", "02:00:00:00:00:0c", "a", null)));

        Assert.Equal("no network 'green'", error.Message);
    }

    [Fact]
    public async Task FdbFlush_RoundTripsFilterAndCount()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.FlushResult = ControlResult.Success(17);
        var flush = new FdbFlushDto(new FdbFilter(Vni: 42, Dst: "198.18.0.2"), IncludeStatic: true);

        int count = await harness.Client.FdbFlushAsync(flush);

        FdbFlushDto seen = harness.Handler.Last<FdbFlushDto>();
        Assert.Equal(flush.Filter, seen.Filter);
        Assert.True(seen.IncludeStatic);
        Assert.Equal(17, count);
    }

    [Fact]
    public async Task PortShow_RoundTripsPorts()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        IReadOnlyList<PortDto> ports = await harness.Client.PortsAsync();

        Assert.Equal(SampleData.Ports, ports);
    }

    [Fact]
    public async Task NetworkShow_RoundTripsNetworks()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        IReadOnlyList<NetworkDto> networks = await harness.Client.NetworksAsync();

        Assert.Equal(SampleData.Networks.Count, networks.Count);
        for (int i = 0; i < networks.Count; i++)
        {
            NetworkDto expected = SampleData.Networks[i];
            Assert.Equal(expected with { FloodList = NoStrings, Ports = NoStrings }, networks[i] with { FloodList = NoStrings, Ports = NoStrings });
            Assert.Equal(expected.FloodList, networks[i].FloodList);
            Assert.Equal(expected.Ports, networks[i].Ports);
        }
    }

    [Fact]
    public async Task Stats_RoundTripsCounters()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        StatsDto stats = await harness.Client.StatsAsync();

        AssertCounters(SampleData.Stats.Underlay, stats.Underlay);
        Assert.Equal(SampleData.Stats.Ports.Count, stats.Ports.Count);
        Assert.Equal(SampleData.Stats.Networks.Count, stats.Networks.Count);
        for (int i = 0; i < stats.Ports.Count; i++)
        {
            AssertCounters(SampleData.Stats.Ports[i], stats.Ports[i]);
        }

        AssertCounters(SampleData.Stats.Networks[0], stats.Networks[0]);
    }

    [Fact]
    public async Task Members_RoundTripsMembers()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        IReadOnlyList<MemberDto> members = await harness.Client.MembersAsync();

        Assert.Equal(SampleData.Members, members);
        Assert.Equal("members", harness.Handler.Last<string>());
    }

    [Fact]
    public async Task Endpoints_RoundTripsEndpoints()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        IReadOnlyList<EndpointDto> endpoints = await harness.Client.EndpointsAsync();

        Assert.Equal(SampleData.Endpoints.Count, endpoints.Count);
        for (int i = 0; i < endpoints.Count; i++)
        {
            EndpointDto expected = SampleData.Endpoints[i];
            Assert.Equal(expected with { Addresses = NoStrings }, endpoints[i] with { Addresses = NoStrings });
            Assert.Equal(expected.Addresses, endpoints[i].Addresses);
        }

        Assert.Equal(ulong.MaxValue, endpoints[2].Version);
    }

    [Fact]
    public async Task KeysList_RoundTripsFingerprints()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        IReadOnlyList<KeyDto> keys = await harness.Client.KeysAsync();

        Assert.Equal(SampleData.Keys, keys);
        Assert.Equal("keys", harness.Handler.Last<string>());
    }

    [Theory]
    [InlineData("install")]
    [InlineData("use")]
    [InlineData("remove")]
    public async Task KeyChange_RoundTripsTheChange(string op)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        var change = new KeyChangeDto(op, SampleData.Key32);

        await harness.Client.KeyChangeAsync(change);

        Assert.Equal(change, harness.Handler.Last<KeyChangeDto>());
    }

    [Fact]
    public async Task KeyChange_RefusedByTheHandler_ThrowsItsMessage()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.KeyChangeResult = ControlResult.Failure("key 630dcd2966c43366 is the primary key and cannot be removed");

        var error = await Assert.ThrowsAsync<ControlException>(() => harness.Client.KeyChangeAsync(new KeyChangeDto("remove", SampleData.Key32)));

        Assert.Equal("key 630dcd2966c43366 is the primary key and cannot be removed", error.Message);
    }

    [Theory]
    [InlineData(ControlVerbs.Members)]
    [InlineData(ControlVerbs.Endpoints)]
    [InlineData(ControlVerbs.KeysList)]
    [InlineData(ControlVerbs.KeysChange)]
    public async Task GossipVerbs_WhenTheHandlerFails_ThrowItsMessage(string verb)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.Failure = new InvalidOperationException("gossip is not enabled");

        Func<Task> call = verb switch
        {
            ControlVerbs.Members => () => harness.Client.MembersAsync(),
            ControlVerbs.Endpoints => () => harness.Client.EndpointsAsync(),
            ControlVerbs.KeysList => () => harness.Client.KeysAsync(),
            _ => () => harness.Client.KeyChangeAsync(new KeyChangeDto("install", SampleData.Key16)),
        };

        var error = await Assert.ThrowsAsync<ControlException>(call);

        Assert.Equal("gossip is not enabled", error.Message);
        Assert.Contains(harness.Log, message => message.Contains(verb, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OneConnection_CarriesManyRequestsInOrder()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        await using RawClient raw = await RawClient.ConnectAsync(harness.SocketPath);

        await raw.WriteAsync("{\"verb\":\"stats\"}\n\n{\"verb\":\"port.show\"}\r\n{\"verb\":\"nope\"}\n");

        Assert.True((await raw.ReadResponseAsync()).Ok);
        Assert.True((await raw.ReadResponseAsync()).Ok);
        Assert.False((await raw.ReadResponseAsync()).Ok);
    }

    [Fact]
    public async Task LastLineWithoutNewline_IsAnsweredWhenTheClientShutsDown()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        await using RawClient raw = await RawClient.ConnectAsync(harness.SocketPath);

        await raw.WriteAsync("{\"version\":1,\"verb\":\"network.show\"}");
        raw.ShutdownSend();

        ControlResponse response = await raw.ReadResponseAsync();
        Assert.True(response.Ok);
        Assert.Null(await raw.ReadLineAsync());
    }

    private static void AssertCounters(CountersDto expected, CountersDto actual)
    {
        Assert.Equal(expected with { Drops = NoDrops }, actual with { Drops = NoDrops });
        Assert.Equal(expected.Drops.OrderBy(p => p.Key), actual.Drops.OrderBy(p => p.Key));
    }
}
