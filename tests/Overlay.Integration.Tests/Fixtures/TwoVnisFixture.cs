using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests.Fixtures;

/// <summary>
/// Two overlayd hosts carrying VNI 42 and VNI 43, one endpoint per VNI per host, all four in 198.19.0.0/24 so
/// only the VNI keeps them apart: a42 = .1 and a43 = .3 behind h1, b42 = .2 and b43 = .4 behind h2.
/// </summary>
public sealed class TwoVnisFixture : IDisposable
{
    public TwoVnisFixture()
    {
        Rig = new NetnsRig();
        try
        {
            H1 = Rig.AddHost("h1", 1);
            H2 = Rig.AddHost("h2", 2);
            A42 = new OverlaydEndpoint("a42", Rig.AddEndpointNamespace("a42"), "02:00:00:00:2a:01", "198.19.0.1/24");
            B42 = new OverlaydEndpoint("b42", Rig.AddEndpointNamespace("b42"), "02:00:00:00:2a:02", "198.19.0.2/24");
            A43 = new OverlaydEndpoint("a43", Rig.AddEndpointNamespace("a43"), "02:00:00:00:2b:03", "198.19.0.3/24");
            B43 = new OverlaydEndpoint("b43", Rig.AddEndpointNamespace("b43"), "02:00:00:00:2b:04", "198.19.0.4/24");
            Rig.StartOverlayd(H1, Rig.OverlaydConfigFor(H1)
                .With(new OverlaydNetwork("blue", 42, [H2.Vtep], [A42]))
                .With(new OverlaydNetwork("green", 43, [H2.Vtep], [A43])));
            Rig.StartOverlayd(H2, Rig.OverlaydConfigFor(H2)
                .With(new OverlaydNetwork("blue", 42, [H1.Vtep], [B42]))
                .With(new OverlaydNetwork("green", 43, [H1.Vtep], [B43])));
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
    public OverlaydEndpoint A42 { get; }
    public OverlaydEndpoint B42 { get; }
    public OverlaydEndpoint A43 { get; }
    public OverlaydEndpoint B43 { get; }

    public void Dispose() => Rig.Dispose();
}
