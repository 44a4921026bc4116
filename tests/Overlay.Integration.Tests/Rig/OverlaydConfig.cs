using System.Text.Json.Nodes;

namespace Overlay.Integration.Tests.Rig;

/// <summary>An overlayd config file, written the way an operator would (camelCase JSON).</summary>
public sealed class OverlaydConfig
{
    public required string Node { get; init; }
    public required IReadOnlyList<string> UnderlayAddresses { get; init; }
    public int Port { get; init; } = 4789;
    public required string ControlSocket { get; init; }
    public List<OverlaydNetwork> Networks { get; } = [];

    public OverlaydConfig With(OverlaydNetwork network)
    {
        Networks.Add(network);
        return this;
    }

    /// <summary>The config as a JSON tree a test may still change (an unknown key, a bad value).</summary>
    public JsonObject ToJson() => new()
    {
        ["node"] = new JsonObject { ["name"] = Node },
        ["underlay"] = new JsonObject { ["addresses"] = Strings(UnderlayAddresses), ["port"] = Port },
        ["control"] = new JsonObject { ["socket"] = ControlSocket },
        ["networks"] = new JsonArray([.. Networks.Select(n => (JsonNode)new JsonObject
        {
            ["name"] = n.Name,
            ["vni"] = n.Vni,
            ["flood"] = Strings(n.Flood),
            ["endpoints"] = new JsonArray([.. n.Endpoints.Select(e => (JsonNode)new JsonObject
            {
                ["name"] = e.Name,
                ["netns"] = e.Netns,
                ["ifname"] = e.Ifname,
                ["mac"] = e.Mac,
                ["addresses"] = Strings([e.Cidr]),
            })]),
        })]),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
