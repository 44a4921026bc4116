using Overlay.Daemon.Config;

namespace Overlay.Control.Tests.Daemon.Config;

/// <summary>dataplane.workers and dataplane.cpus: validated at start, each problem naming its key.</summary>
public sealed class WorkersConfigTests
{
    private static OverlayOptions Options(int workers, List<int>? cpus = null, int srcPortMax = 65535, int gsoSourcePorts = 16) => new()
    {
        Node = new NodeOptions { Name = "h1" },
        Underlay = new UnderlayOptions { Addresses = ["198.18.0.1"], Mtu = 1500, SrcPortMin = 40000, SrcPortMax = srcPortMax },
        Control = new ControlOptions { Socket = "/run/overlay/test.sock" },
        Dataplane = new DataplaneOptions { Workers = workers, Cpus = cpus ?? [], GsoSourcePorts = gsoSourcePorts },
        Networks = [new NetworkOptions { Name = "blue", Vni = 42 }],
    };

    private static DaemonConfig Validate(OverlayOptions options) => new ConfigValidator(_ => 1500).Validate(options);

    private static string Problems(OverlayOptions options) =>
        string.Join("\n", Assert.Throws<ConfigException>(() => Validate(options)).Problems);

    [Fact]
    public void Workers_and_cpus_reach_the_daemon_config()
    {
        var c = Validate(Options(2, [0]));
        Assert.Equal(2, c.Workers);
        Assert.Equal([0], c.Cpus);
        Assert.Equal(1, Validate(Options(1)).Workers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void A_worker_count_out_of_range_is_named(int workers) =>
        Assert.Contains("dataplane.workers", Problems(Options(workers)));

    [Fact]
    public void A_cpu_that_does_not_exist_is_named_with_its_index()
    {
        string problems = Problems(Options(1, [0, Environment.ProcessorCount]));
        Assert.Contains("dataplane.cpus[1]", problems);
        Assert.DoesNotContain("dataplane.cpus[0]", problems);
        Assert.Contains("dataplane.cpus[0]", Problems(Options(1, [-1])));
    }

    [Fact]
    public void More_workers_than_free_ports_per_gso_bucket_is_named()
    {
        // 16 ports over 16 buckets: one port each, no room for a second worker's socket.
        string problems = Problems(Options(2, srcPortMax: 40015));
        Assert.Contains("dataplane.workers", problems);
        Assert.Contains("underlay.srcPortMin..srcPortMax", problems);
        Assert.Equal(2, Validate(Options(2, srcPortMax: 40031)).Workers);
    }

    [Fact]
    public void The_tunnel_path_is_on_by_default_and_off_with_a_reason_where_it_cannot_run()
    {
        var one = Validate(Options(1)).Offloads;
        Assert.True(one.UdpTunnelGso);
        Assert.Null(one.UdpTunnelGsoOffBecause);

        var two = Validate(Options(2)).Offloads;
        Assert.False(two.UdpTunnelGso);
        Assert.Contains("dataplane.workers: 1", two.UdpTunnelGsoOffBecause);

        var noTso = Options(1);
        noTso.Dataplane.Tso = false;
        Assert.Contains("TSO", Validate(noTso).Offloads.UdpTunnelGsoOffBecause);

        var off = Options(1);
        off.Dataplane.UdpTunnelGso = false;
        Assert.Equal((false, (string?)null), (Validate(off).Offloads.UdpTunnelGso, Validate(off).Offloads.UdpTunnelGsoOffBecause));
    }
}
