using System.Text.Json.Nodes;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests.Fixtures;

/// <summary>One host namespace with an underlay address and an endpoint namespace: the place where a config that
/// should be rejected runs, so nothing it might wrongly create lands outside the rig.</summary>
public sealed class ConfigHostFixture : IDisposable
{
    public ConfigHostFixture()
    {
        Rig = new NetnsRig();
        try
        {
            H1 = Rig.AddHost("h1", 1);
            A = Rig.AddEndpointNamespace("a");
        }
        catch
        {
            Rig.Dispose();
            throw;
        }
    }

    public NetnsRig Rig { get; }
    public RigHost H1 { get; }
    public string A { get; }

    /// <summary>A config overlayd accepts; tests break one thing in it.</summary>
    public JsonObject ValidConfig() => Rig.OverlaydConfigFor(H1)
        .With(new OverlaydNetwork("blue", 42, ["198.18.0.2"], [new OverlaydEndpoint("a", A, "02:00:00:00:00:01", "198.19.0.1/24")]))
        .ToJson();

    public void Dispose() => Rig.Dispose();
}
