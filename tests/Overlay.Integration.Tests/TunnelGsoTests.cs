using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;
using Xunit.Abstractions;

namespace Overlay.Integration.Tests;

/// <summary>The UDP-tunnel GSO underlay (on by default): TCP super-frames cross between the daemons whole, through
/// the underlay TAP and the tc rules, and arrive intact.</summary>
public abstract class TunnelGsoTests(TwoHostsFixture f, ITestOutputHelper output)
{
    private const string Tap = "ovlu4789";

    [Fact]
    public void Tcp_super_frames_cross_whole_through_the_underlay_taps_both_ways()
    {
        Assert.Contains("UDP-tunnel GSO underlay on", f.D1.Log);
        long written1 = Counter(f.H1, "rx_bytes"); // frames the daemon wrote into its TAP
        long read2 = Counter(f.H2, "tx_bytes");    // frames tc handed to the far daemon
        var there = Iperf3.Run(f.Rig, f.B, TwoHostsFixture.AddressB, f.A, seconds: 2);
        long sent = Counter(f.H1, "rx_bytes") - written1;
        long received = Counter(f.H2, "tx_bytes") - read2;
        output.WriteLine($"a -> b {there.ReceivedBitsPerSecond / 1e9:F2} Gbit/s; h1 wrote {sent} B into {Tap}, h2 read {received} B from it");
        // Nearly all of the stream goes as super-frames (ACKs and the first segments take the UDP socket).
        long streamed = (long)(there.ReceivedBitsPerSecond / 8 * 2);
        Assert.True(sent > streamed / 2, $"only {sent} of ~{streamed} bytes went through the tunnel TAP");
        Assert.True(received > streamed / 2, $"only {received} of ~{streamed} bytes came in through the tunnel TAP");

        var back = Iperf3.Run(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, seconds: 2);
        Assert.True(back.ReceivedBitsPerSecond > 1e8, $"b -> a too slow: {back.ReceivedBitsPerSecond} bit/s");
    }

    [Fact]
    public void A_file_sent_as_super_frames_arrives_byte_for_byte()
    {
        string file = f.Rig.TrackFile(Path.Combine(Path.GetTempPath(), $"{f.Rig.Prefix}tunnel.bin"));
        var bytes = new byte[24 << 20];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(file, bytes);
        string expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));
        string received = f.Rig.TrackFile(Path.Combine(Path.GetTempPath(), $"{f.Rig.Prefix}tunnel.out"));
        var server = f.Rig.StartIn(f.B, "tunnel-sink", "socat", "-u", "TCP-LISTEN:5400,reuseaddr", $"OPEN:{received},creat,trunc");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!f.Rig.Exec(f.B, "ss", "-ltn").Stdout.Contains(":5400", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "socat did not listen on 5400");
            Thread.Sleep(50);
        }
        f.Rig.Exec(f.A, TimeSpan.FromSeconds(60), "socat", "-u", $"FILE:{file}", $"TCP:{TwoHostsFixture.AddressB}:5400");
        Assert.Equal(0, server.WaitForExit(TimeSpan.FromSeconds(30)));
        string got = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(received)));
        Assert.Equal(expected, got);
    }

    private long Counter(RigHost host, string name) =>
        long.Parse(f.Rig.Exec(host.Namespace, "cat", $"/sys/class/net/{Tap}/statistics/{name}").Stdout.Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Over an IPv4 underlay.</summary>
[Collection(NetnsCollection.Name)]
public sealed class TunnelGsoIpv4Tests(TwoHostsFixture f, ITestOutputHelper output) : TunnelGsoTests(f, output), IClassFixture<TwoHostsFixture>;

/// <summary>Over an IPv6 underlay (outer UDP checksum partial, as IPv6 wants one).</summary>
[Collection(NetnsCollection.Name)]
public sealed class TunnelGsoIpv6Tests(TwoHostsIpv6Fixture f, ITestOutputHelper output) : TunnelGsoTests(f, output), IClassFixture<TwoHostsIpv6Fixture>;
