using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Control;

/// <summary>Source-generated JSON metadata for every type on the control socket: camelCase names, enums as strings,
/// nulls left out when writing (so a missing member reads as null), and an explicit null refused for a non-nullable
/// member. Required members of requests are checked by the server.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(FdbFilter))]
[JsonSerializable(typeof(FdbEntryDto))]
[JsonSerializable(typeof(IReadOnlyList<FdbEntryDto>))]
[JsonSerializable(typeof(FdbChangeDto))]
[JsonSerializable(typeof(FdbFlushDto))]
[JsonSerializable(typeof(PortDto))]
[JsonSerializable(typeof(IReadOnlyList<PortDto>))]
[JsonSerializable(typeof(NetworkDto))]
[JsonSerializable(typeof(IReadOnlyList<NetworkDto>))]
[JsonSerializable(typeof(CountersDto))]
[JsonSerializable(typeof(StatsDto))]
[JsonSerializable(typeof(MemberDto))]
[JsonSerializable(typeof(IReadOnlyList<MemberDto>))]
[JsonSerializable(typeof(EndpointDto))]
[JsonSerializable(typeof(IReadOnlyList<EndpointDto>))]
[JsonSerializable(typeof(KeyChangeDto))]
[JsonSerializable(typeof(KeyDto))]
[JsonSerializable(typeof(IReadOnlyList<KeyDto>))]
[JsonSerializable(typeof(ControlResult))]
[JsonSerializable(typeof(CountResultDto))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class ControlJsonContext : JsonSerializerContext;
