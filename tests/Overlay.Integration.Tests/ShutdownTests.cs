using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests;

/// <summary>SIGTERM is the normal way to stop overlayd (systemd, Kubernetes): it must leave nothing behind.</summary>
[Collection(NetnsCollection.Name)]
public sealed class ShutdownTests
{
    [Fact]
    public void Sigterm_ExitsZero_RemovesTheTapAndTheControlSocket()
    {
        using var rig = new NetnsRig();
        var h1 = rig.AddHost("h1", 1);
        string a = rig.AddEndpointNamespace("a");
        var daemon = rig.StartOverlayd(h1, rig.OverlaydConfigFor(h1)
            .With(new OverlaydNetwork("blue", 42, ["198.18.0.2"], [new OverlaydEndpoint("a", a, "02:00:00:00:00:01", "198.19.0.1/24")])));
        Assert.Equal(NetnsRig.UnderlayMtu - 50, rig.LinkMtu(a, "eth0"));
        Assert.True(File.Exists(daemon.ControlSocket), $"no control socket at {daemon.ControlSocket}");
        // Something in flight while it stops: the endpoint keeps flooding ARP for an absent neighbour.
        var traffic = rig.StartIn(a, "ping", "ping", "-n", "-i", "0.05", "198.19.0.2");

        int? exit = daemon.Stop(TimeSpan.FromSeconds(15));
        traffic.Stop(Libc.SIGINT, TimeSpan.FromSeconds(5));

        Assert.True(exit == 0, $"overlayd exited {(exit is null ? "only when killed" : exit.ToString())} on SIGTERM\n{daemon.Log}");
        Assert.False(rig.HasLink(a, "eth0"), "the endpoint's eth0 is still in its namespace after overlayd stopped");
        Assert.False(File.Exists(daemon.ControlSocket), $"the control socket {daemon.ControlSocket} is still there after overlayd stopped");
    }
}
