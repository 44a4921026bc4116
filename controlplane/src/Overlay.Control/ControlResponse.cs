using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Control;

/// <summary>One response line: <c>{"version":1,"ok":true,"result":...}</c> or <c>{"version":1,"ok":false,"error":"..."}</c>.</summary>
/// <remarks>The shape of Result depends on the request's verb; see <see cref="ControlVerbs"/>.</remarks>
public sealed record ControlResponse(
    bool Ok,
    JsonElement? Result = null,
    string? Error = null,
    [property: JsonPropertyOrder(-1)] int Version = ControlProtocol.Version)
{
    public static ControlResponse Success(JsonElement result) => new(true, result);

    public static ControlResponse Failure(string error) => new(false, null, error);
}
