using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests.Fixtures;

/// <summary>
/// overlayd on h1 (endpoint a, 198.19.0.1) against the kernel's own VXLAN on h2 (vx42 in br0 with endpoint b,
/// 198.19.0.2, on a veth), both on UDP <see cref="Port"/>, each flooding to the other.
/// </summary>
public abstract class KernelPeerFixture : IDisposable
{
    public const int Vni = 42;
    public const string KernelVxlan = "vx42";
    public const string MacA = "02:00:00:00:00:01";
    public const string MacB = "02:00:00:00:00:02";
    public const string AddressA = "198.19.0.1";
    public const string AddressB = "198.19.0.2";

    /// <param name="kernelOffloads">Leave the kernel host's transmit checksum offload on: its VXLAN then hands the veth
    /// partial inner checksums and 64 KB GSO packets, which only our UDP-tunnel TAP path (it sees the virtio header)
    /// can take.</param>
    protected KernelPeerFixture(int port, bool kernelOffloads = false)
    {
        Port = port;
        Rig = new NetnsRig();
        try
        {
            H1 = Rig.AddHost("h1", 1);
            H2 = Rig.AddHost("h2", 2);
            Rig.AddKernelVxlan(H2, Vni, port, H1.Vtep);
            if (kernelOffloads) Rig.Exec(H2.Namespace, "ethtool", "-K", H2.UnderlayIf, "tx", "on");
            B = Rig.AddKernelEndpoint(H2, "b", MacB, AddressB + "/24");
            A = Rig.AddEndpointNamespace("a");
            D1 = Rig.StartOverlayd(H1, Rig.OverlaydConfigFor(H1, port).With(
                new OverlaydNetwork("blue", Vni, [H2.Vtep], [new OverlaydEndpoint("a", A, MacA, AddressA + "/24")])));
            Rig.WaitForPing(A, AddressB, TimeSpan.FromSeconds(15));
        }
        catch
        {
            Rig.Dispose();
            throw;
        }
    }

    public int Port { get; }
    public NetnsRig Rig { get; }
    public RigHost H1 { get; }
    public RigHost H2 { get; }
    public string A { get; }
    public string B { get; }
    public OverlayDaemon D1 { get; }

    public void Dispose()
    {
        Rig.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The IANA port, the same on both sides.</summary>
    public sealed class Iana() : KernelPeerFixture(4789);

    /// <summary>The kernel's historical default port (Linux's own `dstport` default), the same on both sides.</summary>
    public sealed class LinuxDefault() : KernelPeerFixture(8472);

    /// <summary>Port 4789 with the kernel host's checksum offload on, as a kernel host is by default.</summary>
    public sealed class KernelOffloadsOn() : KernelPeerFixture(4789, kernelOffloads: true);
}
