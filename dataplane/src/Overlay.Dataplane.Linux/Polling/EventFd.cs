using Overlay.Dataplane.Linux.Native;

namespace Overlay.Dataplane.Linux.Polling;

/// <summary>
/// A wake-up fd (eventfd, non-blocking): another thread calls <see cref="Signal"/> to wake a worker blocked in
/// <see cref="Epoll.Wait"/>; the worker calls <see cref="Drain"/> to reset it. Signal is safe from any thread;
/// dispose only after every signalling thread has stopped.
/// </summary>
public sealed unsafe class EventFd : IDisposable
{
    private int _fd;

    public EventFd()
    {
        _fd = Libc.EventFd(0, Sys.EFD_NONBLOCK | Sys.EFD_CLOEXEC);
        if (_fd < 0) throw LinuxIoException.FromLastError("eventfd");
    }

    public int Fd => _fd;

    /// <summary>Makes the fd readable. Never blocks; a saturated counter (EAGAIN) is already signalled.</summary>
    public void Signal()
    {
        ulong one = 1;
        Libc.Write(_fd, &one, sizeof(ulong));
    }

    /// <summary>Resets the fd; returns how many signals were pending (0 when none).</summary>
    public long Drain()
    {
        ulong value = 0;
        return Libc.Read(_fd, &value, sizeof(ulong)) == sizeof(ulong) ? (long)value : 0;
    }

    public void Dispose() => Libc.CloseOnce(ref _fd);
}
