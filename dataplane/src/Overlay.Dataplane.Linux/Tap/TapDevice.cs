using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Native;
using Overlay.Dataplane.Ports;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tap;

/// <summary>
/// A TAP device (IFF_TAP | IFF_NO_PI, non-blocking fd) as the inside port. Open it with <see cref="Create"/>
/// (a new device, removed by the kernel when the fd closes) or <see cref="Attach"/> (an existing persistent device,
/// left as it is). One worker owns it: Read and Write are not thread-safe. Errors on the packet path are counted,
/// never thrown. Frames are read whole, one read(2) per frame.
/// </summary>
public sealed unsafe partial class TapDevice : IInsidePort, IDisposable
{
    private int _fd;
    /// <summary>The TUNSETIFF flags the device was opened with, for opening more queues.</summary>
    private short _queueFlags;

    private TapDevice(int fd, string name, string? ns, int ifIndex, int mtu, MacAddress mac, bool owned)
    {
        _fd = fd;
        Name = name;
        Namespace = ns;
        IfIndex = ifIndex;
        Mtu = mtu;
        Mac = mac;
        IsOwned = owned;
    }

    /// <summary>The TAP fd (non-blocking), for polling. -1 after <see cref="Dispose"/>.</summary>
    public int Fd => _fd;

    /// <summary>The interface name as the kernel has it.</summary>
    public string Name { get; }

    /// <summary>The namespace the device lives in (name or path), null for the opener's own.</summary>
    public string? Namespace { get; }

    public int IfIndex { get; }
    public int Mtu { get; }
    public MacAddress Mac { get; }

    /// <summary>True when we created the device: it disappears when we dispose it.</summary>
    public bool IsOwned { get; }

    public long RxFrames { get; private set; }
    public long RxBytes { get; private set; }
    /// <summary>Frames longer than the buffer they were read into; dropped.</summary>
    public long RxTruncated { get; private set; }
    /// <summary>Reads stopped because the pool had no buffer left.</summary>
    public long RxNoBuffers { get; private set; }
    public long RxErrors { get; private set; }
    public long TxFrames { get; private set; }
    public long TxBytes { get; private set; }
    /// <summary>Frames dropped because the device queue was full (EAGAIN, ENOBUFS).</summary>
    public long TxDropped { get; private set; }
    /// <summary>Frames the device refused for another reason (EINVAL for a runt, EIO when down, ...).</summary>
    public long TxErrors { get; private set; }
    /// <summary>The errno of the last failed read or write, 0 if none.</summary>
    public int LastErrno { get; private set; }

    /// <inheritdoc />
    public int Read(PacketBufferPool pool, PacketBatch batch)
    {
        if (_scratch != null) return ReadVnet(pool, batch);
        int added = 0;
        while (!batch.IsFull)
        {
            if (!pool.TryRent(out int handle))
            {
                RxNoBuffers++;
                break;
            }
            int capacity = pool.SizeOf(handle) - PacketBufferPool.Headroom;
            nint n = Libc.Read(_fd, pool.Pointer(handle) + PacketBufferPool.Headroom, (nuint)capacity);
            if (n <= 0)
            {
                pool.Return(handle);
                if (n < 0)
                {
                    int errno = Errno.Last;
                    if (errno == Errno.EINTR) continue;
                    if (errno != Errno.EAGAIN)
                    {
                        RxErrors++;
                        LastErrno = errno;
                    }
                }
                break;
            }
            if (n > capacity)
            {
                // tun reports the whole frame length even when it copied only what fitted.
                pool.Return(handle);
                RxTruncated++;
                continue;
            }
            batch.Add(handle, PacketBufferPool.Headroom, (int)n);
            RxBytes += n;
            added++;
        }
        RxFrames += added;
        return added;
    }

    /// <inheritdoc />
    public int Write(PacketBufferPool pool, PacketBatch batch)
    {
        if (_scratch != null) return WriteVnet(pool, batch);
        int written = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            int length = batch.Lengths[i];
            byte* frame = pool.Pointer(batch.Handles[i]) + batch.Offsets[i];
            nint n = Libc.Write(_fd, frame, (nuint)length);
            if (n >= 0)
            {
                written++;
                TxBytes += length;
                continue;
            }
            int errno = Errno.Last;
            if (errno == Errno.EINTR)
            {
                i--;
                continue;
            }
            LastErrno = errno;
            if (errno is Errno.EAGAIN or Errno.ENOBUFS) TxDropped++;
            else TxErrors++;
        }
        TxFrames += written;
        batch.ReturnAll(pool);
        return written;
    }

    /// <summary>Closes the fd. A device we created disappears now; an attached one stays.</summary>
    public void Dispose()
    {
        Libc.CloseOnce(ref _fd);
        DisposeVnet();
    }

    public override string ToString() => Namespace is null ? $"tap {Name}" : $"tap {Name} in netns {Namespace}";
}
