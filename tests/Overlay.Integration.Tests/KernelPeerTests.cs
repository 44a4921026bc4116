using System.Text.Json;
using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests;

/// <summary>overlayd against the Linux kernel's own VXLAN device: the reference implementation as the peer.</summary>
public abstract class KernelPeerTests(KernelPeerFixture f)
{
    [Fact]
    public void Ping_AnswersBothWays() =>
        OverlayAssert.PingsBothWays(f.Rig, f.A, KernelPeerFixture.AddressA, f.B, KernelPeerFixture.AddressB);

    [Fact]
    public void Iperf3Tcp_FlowsBothWays() =>
        OverlayAssert.TcpFlowsBothWays(f.Rig, f.A, KernelPeerFixture.AddressA, f.B, KernelPeerFixture.AddressB);

    [Fact]
    public void BothSides_LearnTheOtherEndpointBehindItsVtep()
    {
        OverlayAssert.PingsBothWays(f.Rig, f.A, KernelPeerFixture.AddressA, f.B, KernelPeerFixture.AddressB);

        // The kernel learned our endpoint from our packets: an entry with our VTEP as dst, not one we configured.
        var kernelFdb = Command.Run(["bridge", "-n", f.H2.Namespace, "-j", "fdb", "show", "dev", KernelPeerFixture.KernelVxlan]).Stdout;
        using (var json = JsonDocument.Parse(kernelFdb))
        {
            var ours = json.RootElement.EnumerateArray()
                .Where(e => string.Equals(e.GetProperty("mac").GetString(), KernelPeerFixture.MacA, StringComparison.OrdinalIgnoreCase)
                    && e.TryGetProperty("dst", out _))
                .ToList();
            Assert.True(ours.Count == 1, $"kernel vx42 fdb should hold {KernelPeerFixture.MacA} behind a VTEP once:\n{kernelFdb}");
            Assert.Equal(f.H1.Vtep, ours[0].GetProperty("dst").GetString());
            string state = ours[0].TryGetProperty("state", out var s) ? s.GetString() ?? "" : "";
            Assert.True(state is not ("permanent" or "static"), $"kernel entry for {KernelPeerFixture.MacA} is '{state}', expected learned:\n{kernelFdb}");
        }

        var onH1 = OverlayAssert.FdbEntry(f.D1.Ctl, KernelPeerFixture.Vni, KernelPeerFixture.MacB);
        Assert.Equal(("dynamic", f.H2.Vtep), (onH1.Kind, onH1.Dst));
    }
}

/// <summary>Both sides on UDP 4789.</summary>
[Collection(NetnsCollection.Name)]
public sealed class KernelPeerPort4789Tests(KernelPeerFixture.Iana f) : KernelPeerTests(f), IClassFixture<KernelPeerFixture.Iana>;

/// <summary>Both sides on UDP 8472 (the kernel's own default): overlayd must use the configured port both ways.</summary>
[Collection(NetnsCollection.Name)]
public sealed class KernelPeerPort8472Tests(KernelPeerFixture.LinuxDefault f) : KernelPeerTests(f), IClassFixture<KernelPeerFixture.LinuxDefault>;

/// <summary>The kernel host's transmit checksum offload on (its default): partial inner checksums and 64 KB GSO packets
/// over the veth reach overlayd through the UDP-tunnel TAP with their checksum state, no `ethtool -K tx off` needed.</summary>
[Collection(NetnsCollection.Name)]
public sealed class KernelPeerOffloadsOnTests(KernelPeerFixture.KernelOffloadsOn f) : KernelPeerTests(f), IClassFixture<KernelPeerFixture.KernelOffloadsOn>;
