using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Overlay.Control;
using Overlay.Daemon.Config;

namespace Overlay.Daemon.Control;

/// <summary>Serves overlayctl on the control socket for the daemon's lifetime.</summary>
public sealed partial class ControlService(DaemonConfig config, IControlHandler handler, ILogger<ControlService> log) : IHostedService, IAsyncDisposable
{
    private ControlServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = new ControlServer(new ControlServerOptions
        {
            SocketPath = config.ControlSocket,
            Log = (message, error) => LogServer(message, error),
        }, handler);
        await _server.StartAsync(cancellationToken);
        LogListening(config.ControlSocket);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null) await _server.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    [LoggerMessage(20, LogLevel.Information, "control socket {Path}")]
    private partial void LogListening(string path);

    [LoggerMessage(21, LogLevel.Warning, "control: {Message}")]
    private partial void LogServer(string message, Exception? error);
}
