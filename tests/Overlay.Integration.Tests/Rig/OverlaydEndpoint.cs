namespace Overlay.Integration.Tests.Rig;

/// <summary>An endpoint whose TAP overlayd creates as <paramref name="Ifname"/> inside namespace <paramref name="Netns"/>.</summary>
public sealed record OverlaydEndpoint(string Name, string Netns, string Mac, string Cidr, string Ifname = "eth0")
{
    public string Address => Cidr.Split('/')[0];
}
