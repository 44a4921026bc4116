using System.Text.Json.Serialization;

namespace Overlay.Control;

/// <summary>One request line: the verb and the payload that verb needs, the others absent.</summary>
/// <remarks>For example <c>{"version":1,"verb":"fdb.show","fdb":{"vni":42}}</c>. A missing version means the current one.</remarks>
public sealed record ControlRequest(
    string Verb,
    FdbFilter? Fdb = null,
    FdbChangeDto? Change = null,
    FdbFlushDto? Flush = null,
    KeyChangeDto? KeyChange = null,
    [property: JsonPropertyOrder(-1)] int Version = ControlProtocol.Version);
