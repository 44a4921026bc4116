using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests;

/// <summary>Two VNIs on the same two hosts and the same overlay subnet: only the VNI separates them.</summary>
[Collection(NetnsCollection.Name)]
public sealed class VniIsolationTests(TwoVnisFixture f) : IClassFixture<TwoVnisFixture>
{
    [Fact]
    public void EndpointsOnTheSameVni_ReachEachOther()
    {
        OverlayAssert.PingsBothWays(f.Rig, f.A42.Netns, f.A42.Address, f.B42.Netns, f.B42.Address);
        OverlayAssert.PingsBothWays(f.Rig, f.A43.Netns, f.A43.Address, f.B43.Netns, f.B43.Address);
    }

    [Fact]
    public void NothingSentOnVni42_AppearsOnVni43_AndPingAcrossVnisFails()
    {
        var rig = f.Rig;
        var vni43 = new[] { f.A43, f.B43 };
        var captures = vni43.Select(e => PacketCapture.Start(rig, e.Netns, e.Ifname, $"vni43-{e.Name}")).ToList();

        // Unicast, broadcast and a cross-VNI attempt on 42 (its ARP for b43's address is a broadcast on 42 only).
        rig.WaitForPing(f.A42.Netns, f.B42.Address, TimeSpan.FromSeconds(10));
        var sameVni = rig.Ping(f.A42.Netns, f.B42.Address);
        rig.SendArpBroadcast(f.A42.Netns, f.A42.Ifname, f.A42.Mac, f.A42.Address, f.B43.Address);
        var crossVni = rig.Ping(f.A42.Netns, f.B43.Address, count: 2);
        var crossBack = rig.Ping(f.B43.Netns, f.A42.Address, count: 2);
        // Traffic on 43 itself, so an empty capture cannot pass for isolation.
        var onVni43 = rig.Ping(f.A43.Netns, f.B43.Address);
        var files = captures.Select(c => c.Stop()).ToList();

        Assert.True(sameVni.AllAnswered, $"VNI 42 itself does not work:\n{sameVni.Output}\n{rig.Describe()}");
        Assert.True(onVni43.AllAnswered, $"VNI 43 itself does not work:\n{onVni43.Output}\n{rig.Describe()}");
        Assert.True(crossVni.Received == 0 && crossVni.Transmitted > 0, $"a42 reached b43 across VNIs:\n{crossVni.Output}");
        Assert.True(crossBack.Received == 0 && crossBack.Transmitted > 0, $"b43 reached a42 across VNIs:\n{crossBack.Output}");

        string from42 = $"eth.src == {f.A42.Mac} || eth.src == {f.B42.Mac} || arp.src.hw_mac == {f.A42.Mac} || arp.src.hw_mac == {f.B42.Mac}";
        for (int i = 0; i < files.Count; i++)
        {
            var leaked = Tshark.Fields(files[i], from42, ["frame.number", "eth.src", "eth.dst", "_ws.col.Info"]);
            Assert.True(leaked.Count == 0, $"{vni43[i].Name}/eth0 saw {leaked.Count} frames from VNI 42:\n" +
                string.Join('\n', leaked.Select(r => string.Join(' ', r))));
            Assert.True(Tshark.Count(files[i], $"eth.src == {f.A43.Mac} || eth.src == {f.B43.Mac}") > 0, $"{vni43[i].Name}/eth0 saw no VNI 43 traffic either: the capture proves nothing");
        }
    }
}
