using System.Text.Json;

namespace Overlay.Integration.Tests.Rig;

/// <summary>overlayctl run inside a host namespace against one daemon's control socket.</summary>
public sealed class Overlayctl(NetnsRig rig, string ns, string socket)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public CommandResult Run(params string[] args) =>
        rig.Exec(ns, TimeSpan.FromSeconds(30), [RepoLayout.Dotnet, RepoLayout.Overlayctl, "-s", socket, .. args]);

    public IReadOnlyList<FdbRow> FdbShow()
    {
        var result = Run("fdb", "show", "-o", "json");
        try
        {
            return JsonSerializer.Deserialize<List<FdbRow>>(result.Stdout, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"fdb show printed no usable JSON ({e.Message}):\n{result}");
        }
    }
}
