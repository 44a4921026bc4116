using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Ports;

namespace Overlay.Testing;

/// <summary>An in-memory TAP: frames queued by the test come out of <see cref="Read"/>; frames the switch writes
/// are counted and, when <see cref="Capture"/> is on, kept. Preallocated, so the steady state allocates nothing.</summary>
public sealed class FakeInsidePort : IInsidePort
{
    private readonly byte[][] _queue;
    private readonly int[] _lengths;
    private int _head;
    private int _count;

    public FakeInsidePort(int capacity = 4096, int frameSize = 2048)
    {
        _queue = new byte[capacity][];
        for (int i = 0; i < capacity; i++) _queue[i] = new byte[frameSize];
        _lengths = new int[capacity];
    }

    public bool Capture { get; set; } = true;
    public List<byte[]> Written { get; } = [];
    public long WrittenCount { get; private set; }
    public long WrittenBytes { get; private set; }
    public int Pending => _count;

    /// <summary>Queues a frame to be read (copied in).</summary>
    public void Enqueue(ReadOnlySpan<byte> frame)
    {
        if (_count == _queue.Length) throw new InvalidOperationException("fake port queue full");
        int slot = (_head + _count) % _queue.Length;
        frame.CopyTo(_queue[slot]);
        _lengths[slot] = frame.Length;
        _count++;
    }

    public int Read(PacketBufferPool pool, PacketBatch batch)
    {
        int n = 0;
        while (_count > 0 && !batch.IsFull && pool.TryRent(out int handle))
        {
            int len = _lengths[_head];
            _queue[_head].AsSpan(0, len).CopyTo(pool.Span(handle).Slice(PacketBufferPool.Headroom));
            batch.Add(handle, PacketBufferPool.Headroom, len);
            _head = (_head + 1) % _queue.Length;
            _count--;
            n++;
        }
        return n;
    }

    public int Write(PacketBufferPool pool, PacketBatch batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            WrittenCount++;
            WrittenBytes += batch.Lengths[i];
            if (Capture) Written.Add(batch.Packet(pool, i).ToArray());
        }
        int n = batch.Count;
        batch.ReturnAll(pool);
        return n;
    }
}
