using System.Text.Json.Nodes;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests.Fixtures;

/// <summary>
/// Two hosts running overlayd on one L2 underlay, VNI 42, each listing the other in its flood list, one endpoint
/// per host: a (198.19.0.1) behind h1, b (198.19.0.2) behind h2. <paramref name="ipv6"/> makes the underlay
/// IPv6 only (2001:2::1, 2001:2::2).
/// </summary>
public class TwoHostsFixture : IDisposable
{
    public const int Vni = 42;
    public const string MacA = "02:00:00:00:00:01";
    public const string MacB = "02:00:00:00:00:02";
    public const string AddressA = "198.19.0.1";
    public const string AddressB = "198.19.0.2";

    public TwoHostsFixture() : this(ipv6: false)
    {
    }

    /// <param name="dataplane1">h1's "dataplane" config section, when a subclass wants one (workers, offloads).</param>
    protected TwoHostsFixture(bool ipv6, JsonObject? dataplane1 = null, JsonObject? dataplane2 = null)
    {
        Rig = new NetnsRig();
        try
        {
            H1 = Rig.AddHost("h1", 1, ipv4: !ipv6, ipv6: ipv6);
            H2 = Rig.AddHost("h2", 2, ipv4: !ipv6, ipv6: ipv6);
            A = Rig.AddEndpointNamespace("a");
            B = Rig.AddEndpointNamespace("b");
            var c1 = Rig.OverlaydConfigFor(H1).With(
                new OverlaydNetwork("blue", Vni, [H2.Vtep], [new OverlaydEndpoint("a", A, MacA, AddressA + "/24")]));
            c1.Dataplane = dataplane1;
            var c2 = Rig.OverlaydConfigFor(H2).With(
                new OverlaydNetwork("blue", Vni, [H1.Vtep], [new OverlaydEndpoint("b", B, MacB, AddressB + "/24")]));
            c2.Dataplane = dataplane2;
            D1 = Rig.StartOverlayd(H1, c1);
            D2 = Rig.StartOverlayd(H2, c2);
            Rig.WaitForPing(A, AddressB, TimeSpan.FromSeconds(15));
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
    /// <summary>Endpoint namespaces.</summary>
    public string A { get; }
    public string B { get; }
    public OverlayDaemon D1 { get; }
    public OverlayDaemon D2 { get; }

    public void Dispose()
    {
        Rig.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary><see cref="TwoHostsFixture"/> over an IPv6-only underlay.</summary>
public sealed class TwoHostsIpv6Fixture() : TwoHostsFixture(ipv6: true);

/// <summary>
/// <see cref="TwoHostsFixture"/> with two switch workers per daemon (dataplane.workers 2: multi-queue TAPs, an
/// underlay socket per worker); h1's workers are pinned to the CPUs, h2's are not.
/// </summary>
public sealed class TwoWorkersFixture() : TwoHostsFixture(ipv6: false,
    new JsonObject { ["workers"] = 2, ["cpus"] = Environment.ProcessorCount > 1 ? new JsonArray(0, 1) : new JsonArray(0) },
    new JsonObject { ["workers"] = 2 });
