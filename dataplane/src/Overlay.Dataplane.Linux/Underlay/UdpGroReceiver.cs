using System.Runtime.InteropServices;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Native;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>
/// Receives on a socket with UDP_GRO on: the kernel hands over up to 64 datagrams of one flow as one coalesced
/// message, with the datagram size in a UDP_GRO control message. Messages land in preallocated 64 KB slots; each
/// datagram is then copied into its own pool buffer, so the rest of the path sees ordinary datagrams.
/// </summary>
internal sealed unsafe class UdpGroReceiver : IDisposable
{
    /// <summary>The kernel coalesces at most this many datagrams into one message (UDP_GRO_CNT_MAX).</summary>
    public const int MaxSegments = 64;
    private const int SlotBytes = 65536;
    private const int ControlBytes = 64;

    private readonly int _slots;
    private void* _block;
    private readonly MMsgHdr* _headers;
    private readonly IoVec* _vectors;
    private readonly byte* _names;
    private readonly byte* _controls;
    private readonly byte* _data;

    public UdpGroReceiver(int slots)
    {
        _slots = slots;
        nuint bytes = (nuint)slots * (nuint)(sizeof(MMsgHdr) + sizeof(IoVec) + SockAddr.Stride + ControlBytes + SlotBytes);
        _block = NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_block, (nuint)slots * (nuint)(sizeof(MMsgHdr) + sizeof(IoVec) + SockAddr.Stride + ControlBytes));
        _headers = (MMsgHdr*)_block;
        _vectors = (IoVec*)(_headers + slots);
        _names = (byte*)(_vectors + slots);
        _controls = _names + slots * SockAddr.Stride;
        _data = _controls + slots * ControlBytes;
        for (int i = 0; i < slots; i++)
        {
            _vectors[i].Base = _data + (nint)i * SlotBytes;
            _vectors[i].Length = SlotBytes;
            _headers[i].Header.Iov = _vectors + i;
            _headers[i].Header.IovLength = 1;
            _headers[i].Header.Name = _names + i * SockAddr.Stride;
        }
    }

    public long Calls { get; private set; }
    public long Messages { get; private set; }
    public long Truncated { get; private set; }
    public long NoBuffers { get; private set; }
    public long Errors { get; private set; }
    public int LastErrno { get; private set; }

    /// <summary>Receives as many coalesced messages as surely fit in <paramref name="batch"/>; returns the
    /// number of datagrams appended (owned by the batch).</summary>
    public int Receive(int fd, PacketBufferPool pool, PacketBatch batch, int nameLength)
    {
        int want = Math.Min(_slots, batch.Free / MaxSegments);
        if (want == 0) want = batch.Free > 0 ? 1 : 0; // a smaller batch still makes progress; overflow is dropped
        if (want == 0) return 0;
        for (int i = 0; i < want; i++)
        {
            MsgHdr* h = &_headers[i].Header;
            h->NameLength = (uint)nameLength;
            h->Control = _controls + i * ControlBytes;
            h->ControlLength = ControlBytes;
            h->Flags = 0;
        }
        int n;
        do
        {
            Calls++;
            n = Libc.RecvMmsg(fd, _headers, (uint)want, Sock.MSG_DONTWAIT, null);
        }
        while (n < 0 && Errno.Last == Errno.EINTR);
        if (n < 0)
        {
            int errno = Errno.Last;
            if (errno != Errno.EAGAIN)
            {
                Errors++;
                LastErrno = errno;
            }
            return 0;
        }

        int added = 0;
        for (int i = 0; i < n; i++)
        {
            MsgHdr* h = &_headers[i].Header;
            int total = (int)_headers[i].Length;
            if ((h->Flags & Sock.MSG_TRUNC) != 0)
            {
                Truncated++;
                continue;
            }
            if (!SockAddr.TryRead(_names + i * SockAddr.Stride, h->NameLength, out var peer, out ushort port))
            {
                Errors++;
                continue;
            }
            Messages++;
            int size = ControlMessages.TryFindInt((byte*)h->Control, h->ControlLength, Sock.SOL_UDP, Sock.UDP_GRO, out int gso) && gso > 0 ? gso : total;
            byte* data = _data + (nint)i * SlotBytes;
            for (int offset = 0; offset < total; offset += size)
            {
                int length = Math.Min(size, total - offset);
                if (batch.IsFull || length > pool.SmallFrameCapacity || !pool.TryRent(out int handle))
                {
                    NoBuffers++;
                    continue;
                }
                new ReadOnlySpan<byte>(data + offset, length).CopyTo(pool.Span(handle).Slice(PacketBufferPool.Headroom));
                batch.Add(handle, PacketBufferPool.Headroom, length, peer, port);
                added++;
            }
        }
        return added;
    }

    public void Dispose()
    {
        void* block = _block;
        _block = null;
        if (block != null) NativeMemory.AlignedFree(block);
    }
}
