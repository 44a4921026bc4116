using BenchmarkDotNet.Attributes;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Switching;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;
using Overlay.Testing;

namespace Overlay.Benchmarks;

/// <summary>Encapsulation alone, and the whole switch path per packet (inside -> outside and outside -> inside)
/// through two switches joined by an in-memory underlay, in batches of 64.</summary>
[Config(typeof(BenchConfig))]
public class VxlanBenchmarks
{
    private static readonly MacAddress A = MacAddress.Parse("02:00:00:00:00:0a");
    private static readonly MacAddress B = MacAddress.Parse("02:00:00:00:00:0b");

    [Params(64, 1400)]
    public int Payload { get; set; }

    [Params(true, false)]
    public bool UdpChecksum { get; set; }

    private byte[] _buffer = [];
    private int _frameLength;
    private VxlanEncapsulator _encap = null!;
    private readonly IpAddr _remote = IpAddr.Parse("198.18.0.2");

    private FakeInsidePort _portA = null!;
    private FakeInsidePort _portB = null!;
    private VxlanSwitch _s1 = null!;
    private VxlanSwitch _s2 = null!;
    private InMemoryUnderlay.End _end2 = null!;
    private readonly PacketBatch _batch = new(64);
    private byte[] _frame = [];
    private byte[] _datagram = [];
    private readonly IpAddr _remoteSource = IpAddr.Parse("198.18.0.1");

    [GlobalSetup]
    public void Setup()
    {
        _frame = Frames.Udp4(B, A, 0xC6130001, 0xC6130002, 1000, 2000, Payload);
        _frameLength = _frame.Length;
        _buffer = new byte[PacketBufferPool.Headroom + _frameLength];
        var settings = new VxlanSettings { LocalV4 = IpAddr.Parse("198.18.0.1"), UdpChecksumV4 = UdpChecksum };
        _encap = new VxlanEncapsulator(settings);

        var net = new InMemoryUnderlay();
        var end1 = net.Attach(IpAddr.Parse("198.18.0.1"));
        _end2 = net.Attach(_remote);
        _s1 = new VxlanSwitch(new PacketBufferPool(1024), settings, end1, TimeProvider.System);
        _s2 = new VxlanSwitch(new PacketBufferPool(1024), settings with { LocalV4 = _remote }, _end2, TimeProvider.System);
        _portA = new FakeInsidePort { Capture = false };
        _portB = new FakeInsidePort { Capture = false };
        var n1 = _s1.AddNetwork(new NetworkSettings { Name = "n", Vni = 42 });
        var n2 = _s2.AddNetwork(new NetworkSettings { Name = "n", Vni = 42 });
        _s1.AddPort("a", _portA, n1, 1450);
        _s2.AddPort("b", _portB, n2, 1450);
        _s1.FdbUpdate(n1, FdbChange.Add, B, null, _remote, FdbEntryKind.Static);
        _s2.FdbUpdate(n2, FdbChange.Add, B, _s2.Ports[0], default, FdbEntryKind.Static);
        _datagram = new byte[VxlanView.HeaderLength + _frame.Length];
        VxlanView.Encode(_datagram, 42);
        _frame.CopyTo(_datagram, VxlanView.HeaderLength);
    }

    [Benchmark(Description = "encapsulate (outer IPv4+UDP+VXLAN)")]
    public int Encapsulate()
    {
        _frame.CopyTo(_buffer, PacketBufferPool.Headroom);
        return _encap.Encapsulate(_buffer, PacketBufferPool.Headroom, _frameLength, 42, _remote, 0x1234);
    }

    [Benchmark(Description = "decapsulate+switch+deliver, per packet", OperationsPerInvoke = 64)]
    public long Decapsulate()
    {
        // 64 VXLAN datagrams (prepared by the sender side once) through the receiving switch.
        for (int i = 0; i < 64; i++) _end2.Enqueue(_remoteSource, 50000, _datagram);
        _end2.Receive(_s2.Pool, _batch);
        _s2.ProcessOutside(_batch);
        return _portB.WrittenCount;
    }

    [Benchmark(Description = "switch+encap+decap+deliver, per packet", OperationsPerInvoke = 64)]
    public long SwitchPath()
    {
        for (int i = 0; i < 64; i++) _portA.Enqueue(_frame);
        _portA.Read(_s1.Pool, _batch);
        _s1.ProcessInside(0, _batch);
        _end2.Receive(_s2.Pool, _batch);
        _s2.ProcessOutside(_batch);
        return _portB.WrittenCount;
    }
}
