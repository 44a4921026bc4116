using System.Collections.Concurrent;
using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>A started <see cref="ControlServer"/> over a <see cref="FakeControlHandler"/> on a socket in a fresh
/// temporary directory (short, so it fits sun_path), with a client and the server's log.</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private ServerHarness(string directory, ControlServer server, FakeControlHandler handler, ConcurrentQueue<string> log)
    {
        Directory = directory;
        Server = server;
        Handler = handler;
        Log = log;
        Client = new ControlClient(server.SocketPath) { Timeout = TimeSpan.FromSeconds(20) };
    }

    public string Directory { get; }

    public string SocketPath => Server.SocketPath;

    public ControlServer Server { get; }

    public FakeControlHandler Handler { get; }

    public ControlClient Client { get; }

    public ConcurrentQueue<string> Log { get; }

    public static string NewDirectory() => Path.Combine(Path.GetTempPath(), "ovl-" + Guid.NewGuid().ToString("N")[..12]);

    public static async Task<ServerHarness> StartAsync(Action<ControlServerOptions>? configure = null)
    {
        string directory = NewDirectory();
        var log = new ConcurrentQueue<string>();
        var options = new ControlServerOptions
        {
            SocketPath = Path.Combine(directory, "run", "overlayd.sock"),
            Log = (message, _) => log.Enqueue(message),
        };
        configure?.Invoke(options);
        var handler = new FakeControlHandler();
        var server = new ControlServer(options, handler);
        await server.StartAsync();
        return new ServerHarness(directory, server, handler, log);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
