using System.Text.Json;

namespace Overlay.Integration.Tests.Rig;

/// <summary>overlayctl run inside a host namespace against one daemon's control socket.</summary>
public sealed class Overlayctl(NetnsRig rig, string ns, string socket)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public CommandResult Run(params string[] args) =>
        rig.Exec(ns, TimeSpan.FromSeconds(30), [RepoLayout.Dotnet, RepoLayout.Overlayctl, "-s", socket, .. args]);

    public IReadOnlyList<FdbRow> FdbShow() => RunJson<FdbRow>("fdb", "show");

    /// <summary>`members`: the gossip membership as this daemon sees it.</summary>
    public IReadOnlyList<MemberRow> Members() => RunJson<MemberRow>("members");

    /// <summary>`endpoints`: this daemon's gossip endpoint table.</summary>
    public IReadOnlyList<EndpointRow> Endpoints() => RunJson<EndpointRow>("endpoints");

    private List<T> RunJson<T>(params string[] args)
    {
        var result = Run([.. args, "-o", "json"]);
        try
        {
            return JsonSerializer.Deserialize<List<T>>(result.Stdout, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} printed no usable JSON ({e.Message}):\n{result}");
        }
    }
}
