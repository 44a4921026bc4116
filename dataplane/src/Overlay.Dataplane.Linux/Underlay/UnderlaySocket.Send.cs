using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Native;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>Send: whole outer IP packets through the raw socket, one sendmmsg per up to MaxBatch packets.</summary>
public sealed unsafe partial class UnderlaySocket
{
    /// <inheritdoc />
    public int Send(PacketBufferPool pool, PacketBatch batch)
    {
        if (_gso is not null)
        {
            int done = _gso.Send(pool, batch);
            TxSent += done;
            return done;
        }
        int sent = 0;
        int count = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            if (count == _tx.Capacity)
            {
                sent += Flush(count);
                count = 0;
            }
            int nameLength = SockAddr.Write(_tx.NameAt(count), batch.Peers[i], 0, _family);
            if (nameLength == 0)
            {
                TxBadPeer++;
                continue;
            }
            _tx.Set(count, pool.Pointer(batch.Handles[i]) + batch.Offsets[i], batch.Lengths[i], nameLength);
            count++;
        }
        if (count > 0) sent += Flush(count);
        TxSent += sent;
        return sent;
    }

    /// <summary>Sends the first <paramref name="count"/> prepared messages. sendmmsg stops at the first failing
    /// message and reports only how many went out, so the loop re-issues from that message: the retry returns
    /// its errno, we count it and skip it.</summary>
    private int Flush(int count)
    {
        int start = 0;
        int sent = 0;
        while (start < count)
        {
            TxCalls++;
            int n = Libc.SendMmsg(_txFd, _tx.Headers + start, (uint)(count - start), Sock.MSG_DONTWAIT);
            if (n > 0)
            {
                for (int k = start; k < start + n; k++) TxBytes += (long)_tx.Vectors[k].Length;
                sent += n;
                start += n;
                continue;
            }
            int errno = n < 0 ? Errno.Last : Errno.EIO;
            if (errno == Errno.EINTR) continue;
            LastErrno = errno;
            if (errno is Errno.EAGAIN or Errno.ENOBUFS)
            {
                TxWouldBlock += count - start;
                break;
            }
            if (errno == Errno.EMSGSIZE) TxOversize++;
            else TxErrors++;
            start++;
        }
        return sent;
    }
}
