using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Buffers;

/// <summary>
/// A batch of packets as parallel arrays (struct of arrays): buffer handle, where the packet starts in its
/// buffer, its length, and the underlay peer (source on receive, destination on send).
/// A batch owns the buffers it holds: whoever empties it returns them or hands them on.
/// A packet may carry a virtio header (<see cref="Headers"/>): a TCP/UDP super-frame to be segmented later, or a frame
/// whose L4 checksum is still partial. Only ports that take such frames whole ever get one; the rest is plain.
/// </summary>
public sealed class PacketBatch
{
    public PacketBatch(int capacity)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity));
        Handles = new int[capacity];
        Offsets = new int[capacity];
        Lengths = new int[capacity];
        Peers = new IpAddr[capacity];
        PeerPorts = new ushort[capacity];
        Headers = new VirtioNetHeader[capacity];
    }

    public int Capacity => Handles.Length;
    public int Count { get; set; }
    public bool IsFull => Count == Handles.Length;
    public int Free => Handles.Length - Count;

    public int[] Handles { get; }
    public int[] Offsets { get; }
    public int[] Lengths { get; }
    public IpAddr[] Peers { get; }
    public ushort[] PeerPorts { get; }
    /// <summary>Per packet: <see cref="VirtioNetHeader.None"/> for an ordinary frame with complete checksums, else
    /// how the kernel must finish it (GSO type and size, partial checksum), with offsets counted from the frame's first
    /// byte.</summary>
    public VirtioNetHeader[] Headers { get; }

    /// <summary>Appends a packet; the batch takes ownership of <paramref name="handle"/>.</summary>
    public void Add(int handle, int offset, int length, IpAddr peer = default, ushort peerPort = 0)
    {
        int i = Count;
        Handles[i] = handle;
        Offsets[i] = offset;
        Lengths[i] = length;
        Peers[i] = peer;
        PeerPorts[i] = peerPort;
        Headers[i] = default;
        Count = i + 1;
    }

    /// <summary>Appends a super-frame or a partial-checksum frame with its virtio header; the batch takes
    /// ownership of <paramref name="handle"/>.</summary>
    public void Add(int handle, int offset, int length, in VirtioNetHeader header, IpAddr peer = default, ushort peerPort = 0)
    {
        Add(handle, offset, length, peer, peerPort);
        Headers[Count - 1] = header;
    }

    public Span<byte> Packet(PacketBufferPool pool, int index) =>
        pool.Span(Handles[index]).Slice(Offsets[index], Lengths[index]);

    /// <summary>Returns every buffer to the pool and empties the batch.</summary>
    public void ReturnAll(PacketBufferPool pool)
    {
        for (int i = 0; i < Count; i++) pool.Return(Handles[i]);
        Count = 0;
    }
}
