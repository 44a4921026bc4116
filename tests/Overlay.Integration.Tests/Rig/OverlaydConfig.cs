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
    /// <summary>The gossip section, or null for none (gossip off).</summary>
    public OverlaydGossip? Gossip { get; set; }

    /// <summary>The "dataplane" section (workers, offloads, ...), when a test sets one.</summary>
    public JsonObject? Dataplane { get; set; }

    public OverlaydConfig With(OverlaydNetwork network)
    {
        Networks.Add(network);
        return this;
    }

    public OverlaydConfig With(OverlaydGossip gossip)
    {
        Gossip = gossip;
        return this;
    }

    /// <summary>The config as a JSON tree a test may still change (an unknown key, a bad value).</summary>
    public JsonObject ToJson()
    {
        var json = Base();
        // Only when set, so configs of tests that do not use them stay as they were.
        var networks = json["networks"]!.AsArray();
        for (int i = 0; i < Networks.Count; i++)
        {
            if (Networks[i].ArpProxy) networks[i]!["arpProxy"] = true;
        }
        if (Gossip is not null) json["gossip"] = Gossip.ToJson();
        if (Dataplane is not null) json["dataplane"] = Dataplane.DeepClone();
        return json;
    }

    private JsonObject Base() => new()
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

    internal static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
