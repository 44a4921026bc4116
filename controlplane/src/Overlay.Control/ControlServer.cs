using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Overlay.Control;

/// <summary>overlayd's end of the control socket: listens on a unix stream socket (mode 0600), serves each client on
/// its own task and hands every request to an <see cref="IControlHandler"/>.</summary>
/// <remarks>Start once, stop once. Stopping cancels in-flight requests, waits for the connections to end and removes
/// the socket file; so does disposing, without the wait.</remarks>
public sealed class ControlServer : IAsyncDisposable, IDisposable
{
    private const int Backlog = 64;
    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const int NotStarted = 0;
    private const int Running = 1;
    private const int Stopped = 2;

    private readonly int _maxRequestBytes;
    private readonly Action<string, Exception?>? _log;
    private readonly ControlDispatcher _dispatcher;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _lastConnectionId;
    private int _state;
    private bool _ownsSocketFile;

    /// <summary>Checks <paramref name="options"/> (see <see cref="ControlServerOptions.Validate"/>) and copies them.</summary>
    public ControlServer(ControlServerOptions options, IControlHandler handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        SocketPath = options.SocketPath;
        _maxRequestBytes = options.MaxRequestBytes;
        _log = options.Log;
        _dispatcher = new ControlDispatcher(handler, _log);
    }

    public string SocketPath { get; }

    /// <summary>Creates the socket (replacing a stale one), restricts it to the owner and starts accepting.</summary>
    /// <exception cref="IOException">The socket cannot be created, or another server is listening on it.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _state, Running, NotStarted) != NotStarted)
        {
            throw new InvalidOperationException("The control server was already started.");
        }

        try
        {
            _listener = Listen();
        }
        catch
        {
            Volatile.Write(ref _state, Stopped);
            throw;
        }

        _acceptLoop = AcceptLoopAsync(_listener, _stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, cancels in-flight requests and waits for the connections to end, or for
    /// <paramref name="cancellationToken"/>; then removes the socket file.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!BeginStop())
        {
            return;
        }

        // Neither loop throws; a cancelled wait just stops waiting, the connections were cancelled already.
        await _acceptLoop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        RemoveSocketFile();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Stops without waiting for the connections and removes the socket file.</summary>
    public void Dispose()
    {
        BeginStop();
        RemoveSocketFile();
    }

    private Socket Listen()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The control socket needs a Unix system (file modes on unix sockets).");
        }

        string? directory = Path.GetDirectoryName(SocketPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }

        RemoveStaleSocket();
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            _ownsSocketFile = true;

            // Nobody can connect before Listen, so restricting the mode here leaves no window.
            File.SetUnixFileMode(SocketPath, SocketMode);
            listener.Listen(Backlog);
            return listener;
        }
        catch (Exception ex)
        {
            listener.Dispose();
            RemoveSocketFile();
            throw new IOException($"cannot listen on the control socket {SocketPath}: {ex.Message}", ex);
        }
    }

    /// <summary>A socket file left by a previous run is removed; one somebody still listens on is an error.</summary>
    private void RemoveStaleSocket()
    {
        if (!File.Exists(SocketPath))
        {
            return;
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(SocketPath));
                throw new IOException($"cannot listen on the control socket {SocketPath}: another process is listening on it (is overlayd already running?)");
            }
            catch (SocketException)
            {
                // Refused: nobody listens; the file is stale.
            }
        }

        _log?.Invoke($"removing stale control socket {SocketPath}", null);
        File.Delete(SocketPath);
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of descriptors and the like: say so, back off and keep serving.
                _log?.Invoke($"accepting on the control socket {SocketPath} failed: {ex.Message}", ex);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            catch (Exception ex)
            {
                _log?.Invoke($"the control socket {SocketPath} stopped accepting: {ex.Message}", ex);
                return;
            }

            long id = Interlocked.Increment(ref _lastConnectionId);
            Task connection = ServeAsync(client, cancellationToken);
            _connections[id] = connection;
            _ = ForgetWhenDoneAsync(id, connection);
        }
    }

    private async Task ForgetWhenDoneAsync(long id, Task connection)
    {
        await connection.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _connections.TryRemove(id, out _);
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        try
        {
            var connection = new ControlConnection(client, _dispatcher, _maxRequestBytes, _log);
            await using (connection.ConfigureAwait(false))
            {
                await connection.RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            _log?.Invoke($"a control connection on {SocketPath} failed: {ex.Message}", ex);
        }
    }

    private bool BeginStop()
    {
        int previous = Interlocked.Exchange(ref _state, Stopped);
        if (previous != Running)
        {
            return false;
        }

        _stopping.Cancel();
        _listener?.Dispose();
        return true;
    }

    private void RemoveSocketFile()
    {
        if (!_ownsSocketFile)
        {
            return;
        }

        _ownsSocketFile = false;
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException ex)
        {
            _log?.Invoke($"cannot remove the control socket {SocketPath}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            _log?.Invoke($"cannot remove the control socket {SocketPath}: {ex.Message}", ex);
        }
    }
}
