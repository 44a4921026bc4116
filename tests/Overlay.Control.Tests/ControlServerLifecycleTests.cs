using System.Net.Sockets;
using System.Runtime.Versioning;
using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>Creating, guarding, sharing and removing the socket.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ControlServerLifecycleTests
{
    [Fact]
    public async Task Socket_IsCreatedInANewDirectory_WithMode0600()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        Assert.True(File.Exists(harness.SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(harness.SocketPath));
    }

    [Fact]
    public async Task StaleSocketFile_IsReplaced()
    {
        string directory = ServerHarness.NewDirectory();
        string path = Path.Combine(directory, "overlayd.sock");
        Directory.CreateDirectory(directory);
        StaleSocket.Create(path);

        Assert.True(File.Exists(path));
        await using ServerHarness harness = await ServerHarness.StartAsync(options => options.SocketPath = path);
        try
        {
            Assert.NotNull(await harness.Client.StatsAsync());
            Assert.Contains(harness.Log, message => message.Contains("stale", StringComparison.Ordinal));
        }
        finally
        {
            await harness.Server.StopAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task SecondServerOnALiveSocket_IsRefused_AndTheFirstKeepsServing()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        var second = new ControlServer(new ControlServerOptions { SocketPath = harness.SocketPath }, new FakeControlHandler());

        var error = await Assert.ThrowsAsync<IOException>(() => second.StartAsync());
        second.Dispose();

        Assert.Contains("another process is listening", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(harness.SocketPath));
        Assert.NotNull(await harness.Client.StatsAsync());
    }

    [Fact]
    public async Task Stop_RemovesTheSocket_AndClientsThenCannotReachIt()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        await harness.Server.StopAsync();

        Assert.False(File.Exists(harness.SocketPath));
        var error = await Assert.ThrowsAsync<ControlUnavailableException>(() => harness.Client.StatsAsync());
        Assert.Equal($"cannot reach overlayd at {harness.SocketPath}: no such socket — is the daemon running?", error.Message);
    }

    [Fact]
    public async Task Dispose_RemovesTheSocket()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        harness.Server.Dispose();

        Assert.False(File.Exists(harness.SocketPath));
    }

    [Fact]
    public async Task Stop_CancelsRequestsInFlight()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<StatsDto> pending = harness.Client.StatsAsync();
        await harness.Handler.WaitForRequestsAsync(1, TimeSpan.FromSeconds(20));

        await harness.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));

        var error = await Assert.ThrowsAsync<ControlException>(() => pending);
        Assert.Contains("without answering", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTwice_Throws()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Server.StartAsync());
    }

    [Fact]
    public async Task ConcurrentClients_AreAllServed()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int clients = 64;

        // All requests are held inside the handler at once, so they really overlap.
        Task<IReadOnlyList<FdbEntryDto>>[] requests = Enumerable.Range(0, clients)
            .Select(i => harness.Client.FdbShowAsync(new FdbFilter(Vni: (uint)i)))
            .ToArray();
        await harness.Handler.WaitForRequestsAsync(clients, TimeSpan.FromSeconds(20));

        harness.Handler.Gate.SetResult();
        IReadOnlyList<FdbEntryDto>[] answers = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.All(answers, entries => Assert.Equal(SampleData.Entries, entries));
        Assert.Equal(
            Enumerable.Range(0, clients).Select(i => (uint?)i),
            harness.Handler.Requests.OfType<FdbFilter>().Select(filter => filter.Vni).Order());
    }
}
