using System.Net.Sockets;
using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>The client's own failures: nobody listening, silence, nonsense.</summary>
public sealed class ControlClientTests
{
    [Fact]
    public async Task NoSocket_SaysTheDaemonIsNotRunning()
    {
        string path = Path.Combine(ServerHarness.NewDirectory(), "overlayd.sock");
        var client = new ControlClient(path);

        var error = await Assert.ThrowsAsync<ControlUnavailableException>(() => client.StatsAsync());

        Assert.Equal($"cannot reach overlayd at {path}: no such socket — is the daemon running?", error.Message);
        Assert.Equal(path, error.SocketPath);
    }

    [Fact]
    public async Task SocketNobodyListensOn_SaysConnectionRefused()
    {
        using var scratch = new ScratchDirectory();
        string path = scratch.DeadSocket();
        var client = new ControlClient(path);

        var error = await Assert.ThrowsAsync<ControlUnavailableException>(() => client.PortsAsync());

        Assert.Equal($"cannot reach overlayd at {path}: connection refused — is the daemon running?", error.Message);
    }

    [Fact]
    public async Task SilentServer_TimesOut()
    {
        using var scratch = new ScratchDirectory();
        using Socket listener = scratch.Listen();
        var client = new ControlClient(scratch.SocketPath) { Timeout = TimeSpan.FromMilliseconds(200) };

        var error = await Assert.ThrowsAsync<ControlException>(() => client.StatsAsync());

        Assert.Contains("did not answer within", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonsenseAnswer_IsReportedAsNotUnderstood()
    {
        using var scratch = new ScratchDirectory();
        using Socket listener = scratch.Listen();
        var client = new ControlClient(scratch.SocketPath);

        Task<StatsDto> request = client.StatsAsync();
        using (Socket peer = await listener.AcceptAsync())
        {
            await peer.SendAsync("this is not json\n"u8.ToArray());
        }

        var error = await Assert.ThrowsAsync<ControlException>(() => request);
        Assert.Contains("not understood", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerCancellation_IsNotReportedAsTimeout()
    {
        using var scratch = new ScratchDirectory();
        using Socket listener = scratch.Listen();
        var client = new ControlClient(scratch.SocketPath);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.StatsAsync(cancel.Token));
    }

    private sealed class ScratchDirectory : IDisposable
    {
        public ScratchDirectory()
        {
            Directory.CreateDirectory(Path);
        }

        public string Path { get; } = ServerHarness.NewDirectory();

        public string SocketPath => System.IO.Path.Combine(Path, "overlayd.sock");

        public string DeadSocket()
        {
            StaleSocket.Create(SocketPath);
            return SocketPath;
        }

        public Socket Listen()
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
            socket.Listen();
            return socket;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
