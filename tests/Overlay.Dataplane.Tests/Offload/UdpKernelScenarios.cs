using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>One batch of frames for <see cref="UdpKernelRig"/>, all to one port: what goes into the coalescer (or,
/// without it, straight into the TAP), and the payloads a socket on that port must receive, in order.</summary>
internal sealed record UdpKernelScenario(string Name, ushort Port, bool V6, bool Coalesce, byte[][] Frames, byte[][] Expected)
{
    /// <summary>What is written to the TAP: the coalescer's output for the frames, or the frames as they are.</summary>
    public List<(VirtioNetHeader Header, byte[] Frame)> Writes { get; } = [];
}

/// <summary>The scenarios of <see cref="UdpKernelRig"/>. Each has a port of its own so that its datagrams and counters
/// can be told apart.</summary>
internal static class UdpKernelScenarios
{
    private static readonly FrameSpec Base = new()
    {
        Udp = true,
        SourceV4 = 0xC612_1E01, // 198.18.30.1
        DestinationV4 = 0xC612_1E02,
        SourceV6 = "2001:2:0:30::1",
        DestinationV6 = "2001:2:0:30::2",
    };

    public static FrameSpec Spec(ushort port, bool v6) => Base with { DestinationPort = port, V6 = v6 };

    public static UdpKernelScenario[] All() =>
    [
        Train("iperf3 -l 64", 5301, false, count: 200, size: 64),
        Train("full-size, 65535-byte cap", 5302, false, count: 50, size: 1472),
        Train("v6 with a short last", 5303, true, count: 30, size: 100, last: 7),
        Broken("v4 zero checksum mid-flow", 5304, false, zero: true, expectBroken: true),
        Broken("v4 bad checksum mid-flow", 5305, false, zero: false, expectBroken: false),
        Broken("v6 zero checksum mid-flow", 5306, true, zero: true, expectBroken: false),
        Broken("v6 bad checksum mid-flow", 5307, true, zero: false, expectBroken: false),
        CorruptSuperFrame("a super-frame corrupted after its checksums were dropped", 5308),
    ];

    /// <summary>The payload of a frame (what a socket receives).</summary>
    public static byte[] Payload(byte[] frame, FrameSpec spec) => frame[spec.HeaderLength..];

    private static UdpKernelScenario Train(string name, ushort port, bool v6, int count, int size, int last = 0)
    {
        var spec = Spec(port, v6) with { Payload = count * size + last };
        var frames = GroRig.Segments(spec, size);
        return new UdpKernelScenario(name, port, v6, true, frames, [.. frames.Select(f => Payload(f, spec))]);
    }

    /// <summary>d0..d4 of one flow with d2's checksum zeroed or corrupted: d2 must leave alone, without NEEDS_CSUM,
    /// so that the kernel itself decides (delivered when <paramref name="expectBroken"/>).</summary>
    private static UdpKernelScenario Broken(string name, ushort port, bool v6, bool zero, bool expectBroken)
    {
        var spec = Spec(port, v6) with { Payload = 500 };
        var frames = GroRig.Segments(spec, 100);
        int field = spec.L2Length + spec.IpHeaderLength + 6;
        if (zero) BinaryPrimitives.WriteUInt16BigEndian(frames[2].AsSpan(field), 0);
        else frames[2][^1] ^= 0x40;
        var expected = frames.Where((_, i) => i != 2 || expectBroken).Select(f => Payload(f, spec)).ToArray();
        return new UdpKernelScenario(name, port, v6, true, frames, expected);
    }

    /// <summary>A UDP_L4 super-frame of four datagrams, NEEDS_CSUM, with a payload byte of the third flipped after the
    /// fact: what merging a bad datagram without checking it first would hand the kernel.</summary>
    private static UdpKernelScenario CorruptSuperFrame(string name, ushort port)
    {
        var spec = Spec(port, false) with { Payload = 400 };
        byte[] super = FrameBuilder.Build(spec, partial: true);
        super[spec.HeaderLength + 250] ^= 0x40;
        byte[][] expected = [.. Enumerable.Range(0, 4).Select(i => super[(spec.HeaderLength + 100 * i)..(spec.HeaderLength + 100 * (i + 1))])];
        var scenario = new UdpKernelScenario(name, port, false, false, [super], expected);
        scenario.Writes.Add((FrameBuilder.GsoHeader(spec, 100), super));
        return scenario;
    }

    /// <summary>Runs the scenario's frames through a UDP-coalescing <see cref="GroCoalescer"/> as one batch.</summary>
    public static void Coalesce(UdpKernelScenario scenario)
    {
        if (!scenario.Coalesce) return;
        var pool = new PacketBufferPool(256, largeCount: 8);
        var gro = new GroCoalescer(pool, 256, coalesceUdp: true);
        foreach (byte[] frame in scenario.Frames)
        {
            if (!pool.TryRent(out int handle)) throw new InvalidOperationException("pool exhausted");
            frame.CopyTo(pool.Span(handle).Slice(PacketBufferPool.Headroom));
            if (gro.Add(handle, PacketBufferPool.Headroom, frame.Length) == GroAddResult.OutputFull) throw new InvalidOperationException("output full");
        }
        if (!gro.Flush()) throw new InvalidOperationException("flush incomplete");
        for (int i = 0; i < gro.Output.Count; i++) scenario.Writes.Add((gro.Headers[i], gro.Output.Packet(pool, i).ToArray()));
        gro.Output.ReturnAll(pool);
    }
}
