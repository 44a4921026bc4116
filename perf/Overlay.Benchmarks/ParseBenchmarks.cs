using BenchmarkDotNet.Attributes;
using Overlay.Packets;
using Overlay.Testing;

namespace Overlay.Benchmarks;

/// <summary>Parsing a VXLAN datagram's headers with the views: VXLAN, Ethernet, IPv4, UDP.</summary>
[Config(typeof(BenchConfig))]
public class ParseBenchmarks
{
    private byte[] _datagram = [];

    [GlobalSetup]
    public void Setup()
    {
        var frame = Frames.Udp4(MacAddress.Parse("02:00:00:00:00:0b"), MacAddress.Parse("02:00:00:00:00:0a"), 0xC6130001, 0xC6130002, 1000, 2000, 1400);
        _datagram = new byte[8 + frame.Length];
        VxlanView.Encode(_datagram, 42);
        frame.CopyTo(_datagram, 8);
    }

    [Benchmark(Description = "parse vxlan+eth+ipv4+udp")]
    public int ParseAll()
    {
        if (!VxlanView.TryParse(_datagram, out var vx)) return -1;
        if (!EthernetView.TryParse(vx.Payload, out var eth)) return -2;
        if (!Ipv4View.TryParse(eth.Payload, out var ip)) return -3;
        if (!UdpView.TryParse(ip.Payload, out var udp)) return -4;
        return (int)vx.Vni + udp.DestinationPort + ip.Ttl;
    }

    [Benchmark(Description = "internet checksum 1400 B")]
    public ushort Checksum() => InternetChecksum.Compute(_datagram.AsSpan(0, 1400));
}
