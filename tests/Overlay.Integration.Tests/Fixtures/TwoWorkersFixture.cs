using System.Text.Json.Nodes;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests.Fixtures;

/// <summary>
/// <see cref="TwoHostsFixture"/>'s topology with two switch workers per daemon (dataplane.workers 2: multi-queue
/// TAPs, an underlay socket per worker); h1's workers are pinned to the CPUs, h2's are not.
/// </summary>
public sealed class TwoWorkersFixture : IDisposable
{
    public TwoWorkersFixture()
    {
        Rig = new NetnsRig();
        try
        {
            H1 = Rig.AddHost("h1", 1);
            H2 = Rig.AddHost("h2", 2);
            A = Rig.AddEndpointNamespace("a");
            B = Rig.AddEndpointNamespace("b");
            var pinned = Environment.ProcessorCount > 1 ? new JsonArray(0, 1) : new JsonArray(0);
            var c1 = Rig.OverlaydConfigFor(H1).With(new OverlaydNetwork("blue", TwoHostsFixture.Vni, [H2.Vtep],
                [new OverlaydEndpoint("a", A, TwoHostsFixture.MacA, TwoHostsFixture.AddressA + "/24")]));
            c1.Dataplane = new JsonObject { ["workers"] = 2, ["cpus"] = pinned };
            var c2 = Rig.OverlaydConfigFor(H2).With(new OverlaydNetwork("blue", TwoHostsFixture.Vni, [H1.Vtep],
                [new OverlaydEndpoint("b", B, TwoHostsFixture.MacB, TwoHostsFixture.AddressB + "/24")]));
            c2.Dataplane = new JsonObject { ["workers"] = 2 };
            D1 = Rig.StartOverlayd(H1, c1);
            D2 = Rig.StartOverlayd(H2, c2);
            Rig.WaitForPing(A, TwoHostsFixture.AddressB, TimeSpan.FromSeconds(15));
        }
        catch
        {
            Rig.Dispose();
            throw;
        }
    }

    public NetnsRig Rig { get; }
    public RigHost H1 { get; }
    public RigHost H2 { get; }
    public string A { get; }
    public string B { get; }
    public OverlayDaemon D1 { get; }
    public OverlayDaemon D2 { get; }

    public void Dispose() => Rig.Dispose();
}
