using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>A client that writes arbitrary bytes and reads raw response lines, for what ControlClient never sends.</summary>
internal sealed class RawClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private RawClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public static async Task<RawClient> ConnectAsync(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        return new RawClient(socket);
    }

    public async Task WriteAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes) => await _stream.WriteAsync(bytes);

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public Task<string?> ReadLineAsync() => _reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));

    public async Task<ControlResponse> ReadResponseAsync()
    {
        string? line = await ReadLineAsync();
        Assert.NotNull(line);
        ControlResponse? response = JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlResponse);
        Assert.NotNull(response);
        return response;
    }

    public async Task<ControlResponse> AskAsync(string line)
    {
        await WriteAsync(line + "\n");
        return await ReadResponseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
    }
}
