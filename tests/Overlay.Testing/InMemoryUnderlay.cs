using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Ports;
using Overlay.Packets;

namespace Overlay.Testing;

/// <summary>
/// An in-memory underlay between VTEPs: what one end sends (whole outer IP packets) is checked and stripped to
/// its UDP payload, as a kernel UDP socket would deliver it, and queued for the end that owns the destination
/// address. Rings are preallocated, so the steady state allocates nothing.
/// </summary>
public sealed class InMemoryUnderlay
{
    private readonly List<End> _ends = [];

    public End Attach(params IpAddr[] addresses)
    {
        var end = new End(this, addresses);
        _ends.Add(end);
        return end;
    }

    /// <summary>Every outer packet sent, when capture is on (allocates).</summary>
    public List<(IpAddr Destination, byte[] Packet)> Sent { get; } = [];
    public bool Capture { get; set; }
    public long Undeliverable { get; private set; }

    private void Deliver(IpAddr destination, ReadOnlySpan<byte> packet)
    {
        if (Capture) Sent.Add((destination, packet.ToArray()));
        IpAddr source;
        int udp;
        if (packet[0] >> 4 == 4)
        {
            source = IpAddr.ReadV4(packet.Slice(12));
            udp = (packet[0] & 0xF) * 4;
        }
        else
        {
            source = IpAddr.ReadV6(packet.Slice(8));
            udp = 40;
        }
        ushort sourcePort = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(udp));
        var payload = packet.Slice(udp + 8);
        foreach (var end in _ends)
        {
            if (end.Owns(destination))
            {
                end.Enqueue(source, sourcePort, payload);
                return;
            }
        }
        Undeliverable++;
    }

    public sealed class End : IOutsidePort
    {
        private readonly InMemoryUnderlay _net;
        private readonly IpAddr[] _addresses;
        private readonly byte[][] _ring;
        private readonly int[] _lengths;
        private readonly IpAddr[] _sources;
        private readonly ushort[] _ports;
        private int _head;
        private int _count;

        internal End(InMemoryUnderlay net, IpAddr[] addresses, int capacity = 4096)
        {
            _net = net;
            _addresses = addresses;
            _ring = new byte[capacity][];
            for (int i = 0; i < capacity; i++) _ring[i] = new byte[2048];
            _lengths = new int[capacity];
            _sources = new IpAddr[capacity];
            _ports = new ushort[capacity];
        }

        public int Pending => _count;
        public long Overflows { get; private set; }

        internal bool Owns(IpAddr address) => Array.IndexOf(_addresses, address) >= 0;

        /// <summary>Queues a datagram payload as if it had arrived from <paramref name="source"/>.</summary>
        public void Enqueue(IpAddr source, ushort sourcePort, ReadOnlySpan<byte> payload)
        {
            if (_count == _ring.Length)
            {
                Overflows++;
                return;
            }
            int slot = (_head + _count) % _ring.Length;
            payload.CopyTo(_ring[slot]);
            _lengths[slot] = payload.Length;
            _sources[slot] = source;
            _ports[slot] = sourcePort;
            _count++;
        }

        public int Receive(PacketBufferPool pool, PacketBatch batch)
        {
            int n = 0;
            while (_count > 0 && !batch.IsFull && pool.TryRent(out int handle))
            {
                int len = _lengths[_head];
                _ring[_head].AsSpan(0, len).CopyTo(pool.Span(handle).Slice(PacketBufferPool.Headroom));
                batch.Add(handle, PacketBufferPool.Headroom, len, _sources[_head], _ports[_head]);
                _head = (_head + 1) % _ring.Length;
                _count--;
                n++;
            }
            return n;
        }

        public int Send(PacketBufferPool pool, PacketBatch batch)
        {
            for (int i = 0; i < batch.Count; i++) _net.Deliver(batch.Peers[i], batch.Packet(pool, i));
            return batch.Count;
        }
    }
}
