using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Native;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>Receive: one recvmmsg per call into buffers rented for it.</summary>
public sealed unsafe partial class UnderlaySocket
{
    /// <inheritdoc />
    public int Receive(PacketBufferPool pool, PacketBatch batch)
    {
        int want = Math.Min(batch.Free, _rx.Capacity);
        if (want <= 0) return 0;
        int nameLength = _family == Sock.AF_INET ? Sock.SockAddrIn4Size : Sock.SockAddrIn6Size;
        if (_gro is not null)
        {
            int got = _gro.Receive(_rxFd, pool, batch, nameLength);
            RxCalls = _gro.Calls;
            RxDatagrams += got;
            return got;
        }

        int rented = 0;
        for (; rented < want; rented++)
        {
            if (!pool.TryRent(out int handle)) break;
            _rxHandles[rented] = handle;
            int capacity = pool.SizeOf(handle) - PacketBufferPool.Headroom;
            _rx.Set(rented, pool.Pointer(handle) + PacketBufferPool.Headroom, capacity, nameLength);
        }
        if (rented < want) RxNoBuffers++;
        if (rented == 0) return 0;

        int n;
        do
        {
            RxCalls++;
            n = Libc.RecvMmsg(_rxFd, _rx.Headers, (uint)rented, Sock.MSG_DONTWAIT, null);
        }
        while (n < 0 && Errno.Last == Errno.EINTR);
        if (n < 0)
        {
            int errno = Errno.Last;
            if (errno != Errno.EAGAIN)
            {
                RxErrors++;
                LastErrno = errno;
            }
            n = 0;
        }

        int added = 0;
        for (int i = 0; i < n; i++)
        {
            MMsgHdr* m = _rx.Headers + i;
            int handle = _rxHandles[i];
            if ((m->Header.Flags & Sock.MSG_TRUNC) != 0)
            {
                RxTruncated++;
                pool.Return(handle);
                continue;
            }
            if (!SockAddr.TryRead(_rx.NameAt(i), m->Header.NameLength, out var peer, out ushort port))
            {
                RxErrors++;
                pool.Return(handle);
                continue;
            }
            int length = (int)m->Length;
            batch.Add(handle, PacketBufferPool.Headroom, length, peer, port);
            RxBytes += length;
            added++;
        }
        for (int i = n; i < rented; i++) pool.Return(_rxHandles[i]);
        RxDatagrams += added;
        return added;
    }
}
