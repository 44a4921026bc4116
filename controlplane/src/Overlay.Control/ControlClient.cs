using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Overlay.Control;

/// <summary>overlayctl's end of the control socket: one connection per request, one request per connection.</summary>
/// <remarks>Every failure surfaces as a <see cref="ControlException"/> whose message can be shown to the operator as is;
/// <see cref="ControlUnavailableException"/> when overlayd cannot be reached at all.</remarks>
public sealed class ControlClient
{
    public ControlClient(string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

    /// <summary>How long a request may take from connecting to the last byte of the answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest answer accepted (a full FDB dump can be large).</summary>
    public long MaxResponseBytes { get; init; } = 256L * 1024 * 1024;

    public Task<IReadOnlyList<FdbEntryDto>> FdbShowAsync(FdbFilter? filter = null, CancellationToken cancellationToken = default)
        => CallAsync(new ControlRequest(ControlVerbs.FdbShow, Fdb: filter ?? new FdbFilter()), ControlJsonContext.Default.IReadOnlyListFdbEntryDto, cancellationToken);

    /// <summary>Adds, appends, replaces or deletes one entry; returns the number of entries the daemon reports changed.</summary>
    public async Task<int> FdbChangeAsync(FdbChangeDto change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        CountResultDto result = await CallAsync(new ControlRequest(ControlVerbs.FdbChange, Change: change), ControlJsonContext.Default.CountResultDto, cancellationToken).ConfigureAwait(false);
        return result.Count;
    }

    /// <summary>Removes the matching entries; returns how many were removed.</summary>
    public async Task<int> FdbFlushAsync(FdbFlushDto flush, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flush);
        CountResultDto result = await CallAsync(new ControlRequest(ControlVerbs.FdbFlush, Flush: flush), ControlJsonContext.Default.CountResultDto, cancellationToken).ConfigureAwait(false);
        return result.Count;
    }

    public Task<IReadOnlyList<PortDto>> PortsAsync(CancellationToken cancellationToken = default)
        => CallAsync(new ControlRequest(ControlVerbs.PortShow), ControlJsonContext.Default.IReadOnlyListPortDto, cancellationToken);

    public Task<IReadOnlyList<NetworkDto>> NetworksAsync(CancellationToken cancellationToken = default)
        => CallAsync(new ControlRequest(ControlVerbs.NetworkShow), ControlJsonContext.Default.IReadOnlyListNetworkDto, cancellationToken);

    public Task<StatsDto> StatsAsync(CancellationToken cancellationToken = default)
        => CallAsync(new ControlRequest(ControlVerbs.Stats), ControlJsonContext.Default.StatsDto, cancellationToken);

    public Task<IReadOnlyList<MemberDto>> MembersAsync(CancellationToken cancellationToken = default)
        => CallAsync(new ControlRequest(ControlVerbs.Members), ControlJsonContext.Default.IReadOnlyListMemberDto, cancellationToken);

    public Task<IReadOnlyList<EndpointDto>> EndpointsAsync(CancellationToken cancellationToken = default)
        => CallAsync(new ControlRequest(ControlVerbs.Endpoints), ControlJsonContext.Default.IReadOnlyListEndpointDto, cancellationToken);

    /// <summary>The gossip keyring by fingerprint, primary first.</summary>
    public Task<IReadOnlyList<KeyDto>> KeysAsync(CancellationToken cancellationToken = default)
        => CallAsync(new ControlRequest(ControlVerbs.KeysList), ControlJsonContext.Default.IReadOnlyListKeyDto, cancellationToken);

    /// <summary>Installs, uses or removes one gossip key; throws <see cref="ControlException"/> when overlayd refuses.</summary>
    public async Task KeyChangeAsync(KeyChangeDto change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await CallAsync(new ControlRequest(ControlVerbs.KeysChange, KeyChange: change), ControlJsonContext.Default.CountResultDto, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends any request and returns the daemon's response as is, error responses included.</summary>
    public async Task<ControlResponse> SendAsync(ControlRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(CreateEndPoint(), deadline.Token).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: false);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(Frame(request), deadline.Token).ConfigureAwait(false);
                return await ReadResponseAsync(stream, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (SocketException ex) when (!socket.Connected)
        {
            throw Unreachable(ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControlException($"overlayd at {SocketPath} did not answer within {Timeout.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw new ControlException($"the connection to overlayd at {SocketPath} broke: {ex.Message}", ex);
        }
    }

    private async Task<T> CallAsync<T>(ControlRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ControlResponse response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.Ok)
        {
            throw new ControlException(string.IsNullOrEmpty(response.Error) ? $"overlayd refused {request.Verb} without saying why" : response.Error);
        }

        if (response.Result is not { } result || result.ValueKind == JsonValueKind.Null)
        {
            throw new ControlException($"overlayd answered {request.Verb} without a result");
        }

        try
        {
            return result.Deserialize(typeInfo) ?? throw new ControlException($"overlayd answered {request.Verb} without a result");
        }
        catch (JsonException ex)
        {
            throw new ControlException($"overlayd's answer to {request.Verb} is not understood: {ex.Message}", ex);
        }
    }

    private UnixDomainSocketEndPoint CreateEndPoint()
    {
        try
        {
            return new UnixDomainSocketEndPoint(SocketPath);
        }
        catch (ArgumentException ex)
        {
            throw new ControlException($"'{SocketPath}' cannot be a unix socket path: {ex.Message}", ex);
        }
    }

    private ControlUnavailableException Unreachable(SocketException ex)
    {
        string reason = ex.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused — is the daemon running?",
            SocketError.AddressNotAvailable => "no such socket — is the daemon running?",
            SocketError.AccessDenied => "permission denied — run overlayctl as root or as the socket's owner",
            _ => ex.Message,
        };
        return new ControlUnavailableException(SocketPath, $"cannot reach overlayd at {SocketPath}: {reason}", ex);
    }

    private static ReadOnlyMemory<byte> Frame(ControlRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(json, request, ControlJsonContext.Default.ControlRequest);
        }

        buffer.Write("\n"u8);
        return buffer.WrittenMemory;
    }

    private async Task<ControlResponse> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                ReadResult read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                SequencePosition? newline = buffer.PositionOf((byte)'\n');
                if (newline is not null)
                {
                    return ParseResponse(buffer.Slice(0, newline.Value));
                }

                if (buffer.Length > MaxResponseBytes)
                {
                    throw new ControlException($"overlayd's answer exceeds {MaxResponseBytes} bytes");
                }

                if (read.IsCompleted)
                {
                    throw new ControlException($"overlayd at {SocketPath} closed the connection without answering");
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static ControlResponse ParseResponse(in ReadOnlySequence<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            return JsonSerializer.Deserialize(ref reader, ControlJsonContext.Default.ControlResponse)
                ?? throw new ControlException("overlayd answered null");
        }
        catch (JsonException ex)
        {
            throw new ControlException($"overlayd's answer is not understood: {ex.Message}", ex);
        }
    }
}
