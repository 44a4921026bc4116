using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Overlay.Cli.Output;

/// <summary>`-o json`: the daemon's records as one line of JSON, named as on the control socket (camelCase, nulls left out).</summary>
internal static class JsonOutput
{
    public static void Write<T>(TextWriter writer, T value, JsonTypeInfo<T> typeInfo)
        => writer.WriteLine(JsonSerializer.Serialize(value, typeInfo));
}
