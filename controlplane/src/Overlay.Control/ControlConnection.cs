using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;

namespace Overlay.Control;

/// <summary>One accepted client: reads newline-framed requests with a pipe, answers each in order, and closes after
/// the client hangs up, the server stops, or a line exceeds the limit (answered with an error first).</summary>
internal sealed class ControlConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly Utf8JsonWriter _json;
    private readonly ControlDispatcher _dispatcher;
    private readonly int _maxRequestBytes;
    private readonly Action<string, Exception?>? _log;

    /// <summary>Takes ownership of <paramref name="socket"/>.</summary>
    public ControlConnection(Socket socket, ControlDispatcher dispatcher, int maxRequestBytes, Action<string, Exception?>? log)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _json = new Utf8JsonWriter(_writer);
        _dispatcher = dispatcher;
        _maxRequestBytes = maxRequestBytes;
        _log = log;
    }

    /// <summary>Serves until the client hangs up or <paramref name="cancellationToken"/> fires; never throws.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ReadResult read = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                bool open = true;
                while (open && TryTakeLine(ref buffer, out ReadOnlySequence<byte> line))
                {
                    open = await AnswerAsync(line, cancellationToken).ConfigureAwait(false);
                }

                if (open && buffer.Length > _maxRequestBytes)
                {
                    await RefuseOversizedAsync(cancellationToken).ConfigureAwait(false);
                    open = false;
                }
                else if (open && read.IsCompleted && !buffer.IsEmpty)
                {
                    // The client shut down its side after a last line without a newline: answer it anyway.
                    await AnswerAsync(buffer, cancellationToken).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.End);
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (!open || read.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
        catch (IOException)
        {
            // The client hung up mid-request or before reading its answer: nothing to tell anyone.
        }
        catch (Exception ex)
        {
            _log?.Invoke("control connection failed: " + ex.Message, ex);
        }
    }

    /// <summary>Closes the connection; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync().ConfigureAwait(false);
        await _reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            // Completing flushes what a failed write left behind, which fails again when the client is gone.
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Nobody is left to read it.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        SequencePosition? newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static bool IsBlank(in ReadOnlySequence<byte> line)
        => line.IsEmpty || (line.Length == 1 && line.FirstSpan[0] == (byte)'\r');

    /// <summary>Answers one line; false when the connection must close.</summary>
    private async ValueTask<bool> AnswerAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        if (line.Length > _maxRequestBytes)
        {
            await RefuseOversizedAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (IsBlank(line))
        {
            return true;
        }

        ControlResponse response;
        if (ControlDispatcher.TryParse(line, out ControlRequest? request, out string? error))
        {
            response = await _dispatcher.DispatchAsync(request, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _log?.Invoke("refused a control request: " + error, null);
            response = ControlResponse.Failure(error);
        }

        await WriteAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask RefuseOversizedAsync(CancellationToken cancellationToken)
    {
        string error = $"request line exceeds {_maxRequestBytes} bytes; closing the connection";
        _log?.Invoke("refused a control request: " + error, null);
        await WriteAsync(ControlResponse.Failure(error), cancellationToken).ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The client is already gone.
        }
    }

    private async ValueTask WriteAsync(ControlResponse response, CancellationToken cancellationToken)
    {
        _json.Reset(_writer);
        JsonSerializer.Serialize(_json, response, ControlJsonContext.Default.ControlResponse);
        _json.Flush();
        _writer.Write("\n"u8);
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
