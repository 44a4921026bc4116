using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Overlay.Control;

/// <summary>Turns one request line into one response: parse, check, call the handler, serialize its answer.
/// Every failure becomes an error response; only cancellation of the server escapes.</summary>
internal sealed class ControlDispatcher(IControlHandler handler, Action<string, Exception?>? log)
{
    private static readonly string KnownVerbs = string.Join(", ",
        ControlVerbs.FdbShow, ControlVerbs.FdbChange, ControlVerbs.FdbFlush, ControlVerbs.PortShow, ControlVerbs.NetworkShow, ControlVerbs.Stats,
        ControlVerbs.Members, ControlVerbs.Endpoints, ControlVerbs.KeysList, ControlVerbs.KeysChange);

    /// <summary>Parses one request line (newline excluded); the line must hold exactly one JSON object.</summary>
    public static bool TryParse(in ReadOnlySequence<byte> line, [NotNullWhen(true)] out ControlRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            request = JsonSerializer.Deserialize(ref reader, ControlJsonContext.Default.ControlRequest);

            // Past the value only whitespace may follow; anything else makes Read throw.
            if (reader.Read())
            {
                error = "malformed request: more than one JSON value on the line";
                request = null;
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = "malformed request: " + ex.Message;
            return false;
        }

        if (request is null)
        {
            error = "malformed request: expected a JSON object, got null";
            return false;
        }

        if (string.IsNullOrEmpty(request.Verb))
        {
            error = "malformed request: 'verb' is missing";
            request = null;
            return false;
        }

        error = null;
        return true;
    }

    public async Task<ControlResponse> DispatchAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        if (request.Version != ControlProtocol.Version)
        {
            return Refuse(request, $"protocol version {request.Version} is not supported; overlayd speaks version {ControlProtocol.Version}");
        }

        try
        {
            switch (request.Verb)
            {
                case ControlVerbs.FdbShow:
                    IReadOnlyList<FdbEntryDto> entries = await handler.FdbShowAsync(request.Fdb ?? new FdbFilter(), cancellationToken).ConfigureAwait(false);
                    return Success(entries, ControlJsonContext.Default.IReadOnlyListFdbEntryDto);

                case ControlVerbs.FdbChange when request.Change is null:
                    return Refuse(request, "fdb.change needs a 'change' object");

                case ControlVerbs.FdbChange when MissingMembers(request.Change) is { } missing:
                    return Refuse(request, $"fdb.change needs {missing} in 'change'");

                case ControlVerbs.FdbChange:
                    return FromResult(await handler.FdbChangeAsync(request.Change, cancellationToken).ConfigureAwait(false));

                case ControlVerbs.FdbFlush when request.Flush is null:
                    return Refuse(request, "fdb.flush needs a 'flush' object");

                case ControlVerbs.FdbFlush when request.Flush.Filter is null:
                    return Refuse(request, "fdb.flush needs a 'filter' object in 'flush' (empty for all)");

                case ControlVerbs.FdbFlush:
                    return FromResult(await handler.FdbFlushAsync(request.Flush, cancellationToken).ConfigureAwait(false));

                case ControlVerbs.PortShow:
                    IReadOnlyList<PortDto> ports = await handler.PortsAsync(cancellationToken).ConfigureAwait(false);
                    return Success(ports, ControlJsonContext.Default.IReadOnlyListPortDto);

                case ControlVerbs.NetworkShow:
                    IReadOnlyList<NetworkDto> networks = await handler.NetworksAsync(cancellationToken).ConfigureAwait(false);
                    return Success(networks, ControlJsonContext.Default.IReadOnlyListNetworkDto);

                case ControlVerbs.Stats:
                    StatsDto stats = await handler.StatsAsync(cancellationToken).ConfigureAwait(false);
                    return Success(stats, ControlJsonContext.Default.StatsDto);

                case ControlVerbs.Members:
                    IReadOnlyList<MemberDto> members = await handler.MembersAsync(cancellationToken).ConfigureAwait(false);
                    return Success(members, ControlJsonContext.Default.IReadOnlyListMemberDto);

                case ControlVerbs.Endpoints:
                    IReadOnlyList<EndpointDto> endpoints = await handler.EndpointsAsync(cancellationToken).ConfigureAwait(false);
                    return Success(endpoints, ControlJsonContext.Default.IReadOnlyListEndpointDto);

                case ControlVerbs.KeysList:
                    IReadOnlyList<KeyDto> keys = await handler.KeysAsync(cancellationToken).ConfigureAwait(false);
                    return Success(keys, ControlJsonContext.Default.IReadOnlyListKeyDto);

                case ControlVerbs.KeysChange when request.KeyChange is null:
                    return Refuse(request, "keys.change needs a 'keyChange' object");

                case ControlVerbs.KeysChange when MissingMembers(request.KeyChange) is { } missing:
                    return Refuse(request, $"keys.change needs {missing} in 'keyChange'");

                case ControlVerbs.KeysChange:
                    return FromResult(await handler.KeyChangeAsync(request.KeyChange, cancellationToken).ConfigureAwait(false));

                default:
                    return Refuse(request, $"unknown verb '{request.Verb}'; known verbs: {KnownVerbs}");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            string message = string.IsNullOrEmpty(ex.Message) ? ex.GetType().Name : ex.Message;
            log?.Invoke($"control request {request.Verb} failed: {message}", ex);
            return ControlResponse.Failure(message);
        }
    }

    /// <summary>Names the members a change cannot do without when the JSON left them out; null when all are there.</summary>
    private static string? MissingMembers(FdbChangeDto change)
    {
        var missing = new List<string>(4);
        AddIfMissing(missing, change.Op, "'op'");
        AddIfMissing(missing, change.Network, "'network'");
        AddIfMissing(missing, change.Mac, "'mac'");
        AddIfMissing(missing, change.Kind, "'kind'");
        return missing.Count == 0 ? null : string.Join(", ", missing);
    }

    private static string? MissingMembers(KeyChangeDto change)
    {
        var missing = new List<string>(2);
        AddIfMissing(missing, change.Op, "'op'");
        AddIfMissing(missing, change.Key, "'key'");
        return missing.Count == 0 ? null : string.Join(", ", missing);
    }

    private static void AddIfMissing(List<string> missing, string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            missing.Add(name);
        }
    }

    private static ControlResponse Success<T>(T value, JsonTypeInfo<T> typeInfo)
        => ControlResponse.Success(JsonSerializer.SerializeToElement(value, typeInfo));

    private static ControlResponse FromResult(ControlResult result)
        => result.Ok
            ? Success(new CountResultDto(result.Count), ControlJsonContext.Default.CountResultDto)
            : ControlResponse.Failure(string.IsNullOrEmpty(result.Error) ? "the request failed" : result.Error);

    private ControlResponse Refuse(ControlRequest request, string error)
    {
        log?.Invoke($"refused control request {request.Verb}: {error}", null);
        return ControlResponse.Failure(error);
    }
}
