using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>A pool plus a coalescer; feeds byte arrays and drains the output into plain records.</summary>
internal sealed class GroRig
{
    public GroRig(int maxFlows = GroCoalescer.DefaultMaxFlows, int outputCapacity = 256, int largeBuffers = 16, bool udp = false)
    {
        Pool = new PacketBufferPool(1024, largeCount: largeBuffers);
        Gro = new GroCoalescer(Pool, outputCapacity, maxFlows, udp);
    }

    public PacketBufferPool Pool { get; }
    public GroCoalescer Gro { get; }

    public record struct Emitted(byte[] Bytes, VirtioNetHeader Header, bool Large);

    public GroAddResult Add(byte[] frame)
    {
        Assert.True(Pool.TryRent(out int handle));
        frame.CopyTo(Pool.Span(handle).Slice(PacketBufferPool.Headroom));
        var result = Gro.Add(handle, PacketBufferPool.Headroom, frame.Length);
        if (result == GroAddResult.OutputFull) Pool.Return(handle);
        return result;
    }

    /// <summary>Adds every frame as one batch, flushes, and returns what came out; asserts nothing leaked.</summary>
    public List<Emitted> Run(params byte[][] frames)
    {
        foreach (var f in frames) Assert.NotEqual(GroAddResult.OutputFull, Add(f));
        Assert.True(Gro.Flush());
        var emitted = Drain();
        Assert.Equal(0, Pool.Outstanding);
        return emitted;
    }

    public List<Emitted> Drain()
    {
        var list = new List<Emitted>();
        var output = Gro.Output;
        for (int i = 0; i < output.Count; i++)
            list.Add(new Emitted(output.Packet(Pool, i).ToArray(), Gro.Headers[i], Pool.IsLarge(output.Handles[i])));
        output.ReturnAll(Pool);
        return list;
    }

    /// <summary>The segments <see cref="GsoSegmenter"/> makes of <paramref name="spec"/>, as arrays.</summary>
    public static byte[][] Segments(FrameSpec spec, int gso)
    {
        int count = (spec.Payload + gso - 1) / gso;
        var frames = new byte[count][];
        for (int i = 0; i < count; i++) frames[i] = FrameBuilder.Build(FrameBuilder.SegmentSpec(spec, gso, i));
        return frames;
    }

    /// <summary>The super-frame and header that merging <paramref name="spec"/>'s segments must give.</summary>
    public static Emitted Merged(FrameSpec spec, int gso) => new(FrameBuilder.Build(spec, partial: true), FrameBuilder.GsoHeader(spec, gso), true);

    /// <summary>The frame alone, untouched, with an all-zero header.</summary>
    public static Emitted Single(byte[] frame) => new(frame, VirtioNetHeader.None, false);

    public static void Equal(Emitted expected, Emitted actual)
    {
        Assert.Equal(expected.Header, actual.Header);
        Assert.Equal(expected.Large, actual.Large);
        Assert.Equal(expected.Bytes, actual.Bytes);
    }
}
