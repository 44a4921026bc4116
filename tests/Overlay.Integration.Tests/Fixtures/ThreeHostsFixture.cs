using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests.Fixtures;

/// <summary>Three overlayd hosts on VNI 42 with static flood lists (each lists the other two) and one endpoint each:
/// a, b, c = 198.19.0.1..3 behind h1..h3.</summary>
public sealed class ThreeHostsFixture : IDisposable
{
    public const int Vni = 42;

    public ThreeHostsFixture()
    {
        Rig = new NetnsRig();
        try
        {
            var hosts = new[] { Rig.AddHost("h1", 1), Rig.AddHost("h2", 2), Rig.AddHost("h3", 3) };
            var endpoints = new List<OverlaydEndpoint>();
            var daemons = new List<OverlayDaemon>();
            foreach (var host in hosts)
            {
                string name = ((char)('a' + host.Index - 1)).ToString();
                var endpoint = new OverlaydEndpoint(name, Rig.AddEndpointNamespace(name), $"02:00:00:00:00:0{host.Index}", $"198.19.0.{host.Index}/24");
                var flood = hosts.Where(h => h != host).Select(h => h.Vtep).ToList();
                daemons.Add(Rig.StartOverlayd(host, Rig.OverlaydConfigFor(host).With(new OverlaydNetwork("blue", Vni, flood, [endpoint]))));
                endpoints.Add(endpoint);
            }
            Hosts = hosts;
            Endpoints = endpoints;
            Daemons = daemons;
        }
        catch
        {
            Rig.Dispose();
            throw;
        }
    }

    public NetnsRig Rig { get; }
    public IReadOnlyList<RigHost> Hosts { get; }
    public IReadOnlyList<OverlaydEndpoint> Endpoints { get; }
    public IReadOnlyList<OverlayDaemon> Daemons { get; }

    public void Dispose() => Rig.Dispose();
}
