using System.Runtime.InteropServices;
using Overlay.Dataplane.Linux.Native;

namespace Overlay.Dataplane.Linux.Polling;

/// <summary>
/// An epoll instance for one worker loop. Each registered fd carries an int of the caller's choosing (for example
/// an index into the worker's ports), handed back by <see cref="DataAt"/> after <see cref="Wait"/>.
/// Ready events land in a native array allocated once, so waiting allocates nothing. Not thread-safe, except that
/// the kernel allows <see cref="Add"/>/<see cref="Remove"/> from another thread while one waits.
/// </summary>
public sealed unsafe class Epoll : IDisposable
{
    // struct epoll_event is packed (12 bytes) on x86-64 and naturally aligned (16 bytes) elsewhere.
    private static readonly int Stride = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = Stride == 12 ? 4 : 8;

    private int _fd;
    private byte* _events;
    private readonly int _capacity;

    /// <param name="maxEvents">How many ready fds one <see cref="Wait"/> can report.</param>
    public Epoll(int maxEvents = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        _fd = Libc.EpollCreate1(Sys.EPOLL_CLOEXEC);
        if (_fd < 0) throw LinuxIoException.FromLastError("epoll_create1");
        _capacity = maxEvents;
        _events = (byte*)NativeMemory.AllocZeroed((nuint)(maxEvents * Stride));
    }

    public int Fd => _fd;

    /// <summary>How many events one <see cref="Wait"/> can report.</summary>
    public int Capacity => _capacity;

    /// <summary>Watches <paramref name="fd"/>; <paramref name="data"/> comes back from <see cref="DataAt"/>.</summary>
    public void Add(int fd, int data, EpollFlags events = EpollFlags.In) => Control(Sys.EPOLL_CTL_ADD, fd, data, events, "add");

    public void Modify(int fd, int data, EpollFlags events) => Control(Sys.EPOLL_CTL_MOD, fd, data, events, "mod");

    public void Remove(int fd) => Control(Sys.EPOLL_CTL_DEL, fd, 0, EpollFlags.None, "del");

    /// <summary>Waits up to <paramref name="timeoutMs"/> (-1: forever, 0: poll) and returns how many fds are
    /// ready; 0 on timeout or when a signal interrupted the wait.</summary>
    public int Wait(int timeoutMs)
    {
        int n = Libc.EpollWait(_fd, _events, _capacity, timeoutMs);
        if (n >= 0) return n;
        int errno = Errno.Last;
        if (errno == Errno.EINTR) return 0;
        throw new LinuxIoException("epoll_wait", errno);
    }

    /// <summary>The data of the <paramref name="index"/>-th ready fd of the last <see cref="Wait"/>.</summary>
    public int DataAt(int index)
    {
        if ((uint)index >= (uint)_capacity) throw new ArgumentOutOfRangeException(nameof(index));
        return *(int*)(_events + index * Stride + DataOffset);
    }

    /// <summary>The events of the <paramref name="index"/>-th ready fd of the last <see cref="Wait"/>.</summary>
    public EpollFlags EventsAt(int index)
    {
        if ((uint)index >= (uint)_capacity) throw new ArgumentOutOfRangeException(nameof(index));
        return (EpollFlags)(*(uint*)(_events + index * Stride));
    }

    public void Dispose()
    {
        Libc.CloseOnce(ref _fd);
        byte* events = _events;
        _events = null;
        if (events != null) NativeMemory.Free(events);
    }

    private void Control(int op, int fd, int data, EpollFlags events, string name)
    {
        byte* ev = stackalloc byte[16];
        *(ulong*)(ev + 8) = 0;
        *(uint*)ev = (uint)events;
        *(ulong*)(ev + DataOffset) = (uint)data;
        if (Libc.EpollCtl(_fd, op, fd, ev) != 0)
        {
            throw LinuxIoException.FromLastError($"epoll_ctl {name} fd {fd}");
        }
    }
}
