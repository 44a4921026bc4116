using System.Text.Json.Nodes;

namespace Overlay.Integration.Tests.Rig;

/// <summary>The config's gossip section (enabled): seeds, a memberlist preset (lan, wan, local) and the optional keys
/// a test may set; a null optional key is left out, so overlayd's default applies.</summary>
public sealed record OverlaydGossip(IReadOnlyList<string> Seeds, string Preset = "local")
{
    public int? Port { get; init; }
    public string? Label { get; init; }
    public IReadOnlyList<string>? Keys { get; init; }
    /// <summary>gossip.keyringFile: where the daemon keeps its keyring across restarts.</summary>
    public string? KeyringFile { get; init; }
    public IReadOnlyList<string>? AllowCidrs { get; init; }
    public int? TombstoneSeconds { get; init; }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["enabled"] = true,
            ["seeds"] = OverlaydConfig.Strings(Seeds),
            ["preset"] = Preset,
        };
        if (Port is not null) json["port"] = Port;
        if (Label is not null) json["label"] = Label;
        if (Keys is not null) json["keys"] = OverlaydConfig.Strings(Keys);
        if (KeyringFile is not null) json["keyringFile"] = KeyringFile;
        if (AllowCidrs is not null) json["allowCidrs"] = OverlaydConfig.Strings(AllowCidrs);
        if (TombstoneSeconds is not null) json["tombstoneSeconds"] = TombstoneSeconds;
        return json;
    }
}
