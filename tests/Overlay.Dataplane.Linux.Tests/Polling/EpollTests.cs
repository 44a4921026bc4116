using System.Diagnostics;
using Overlay.Dataplane.Linux.Polling;

namespace Overlay.Dataplane.Linux.Tests.Polling;

public sealed class EpollTests
{
    [Fact]
    public void Signal_from_another_thread_wakes_a_blocked_wait()
    {
        using var epoll = new Epoll(4);
        using var wake = new EventFd();
        epoll.Add(wake.Fd, 42);
        Assert.Equal(0, epoll.Wait(0));

        var clock = Stopwatch.StartNew();
        using var started = new ManualResetEventSlim();
        var signaller = new Thread(() =>
        {
            started.Wait();
            wake.Signal();
        });
        signaller.Start();
        started.Set(); // the signal comes from the other thread while (or just before) this one waits
        int n = epoll.Wait(10_000);
        signaller.Join();

        Assert.Equal(1, n);
        Assert.True(clock.ElapsedMilliseconds < 5_000);
        Assert.Equal(42, epoll.DataAt(0));
        Assert.True(epoll.EventsAt(0).HasFlag(EpollFlags.In));
        Assert.Equal(1, wake.Drain());
        Assert.Equal(0, epoll.Wait(0));
        Assert.Equal(0, wake.Drain());
    }

    [Fact]
    public void Signals_accumulate_until_drained()
    {
        using var wake = new EventFd();
        wake.Signal();
        wake.Signal();
        wake.Signal();
        Assert.Equal(3, wake.Drain());
    }

    [Fact]
    public void Wait_times_out_and_reports_which_fd_is_ready()
    {
        using var epoll = new Epoll(4);
        using var first = new EventFd();
        using var second = new EventFd();
        epoll.Add(first.Fd, 1);
        epoll.Add(second.Fd, 2);

        var clock = Stopwatch.StartNew();
        Assert.Equal(0, epoll.Wait(50));
        Assert.True(clock.ElapsedMilliseconds >= 40);

        second.Signal();
        Assert.Equal(1, epoll.Wait(1000));
        Assert.Equal(2, epoll.DataAt(0));

        epoll.Remove(second.Fd);
        Assert.Equal(0, epoll.Wait(0));
        first.Signal();
        Assert.Equal(1, epoll.Wait(0));
        Assert.Equal(1, epoll.DataAt(0));
    }

    [Fact]
    public void Adding_a_bad_fd_throws_a_clear_error()
    {
        using var epoll = new Epoll();
        var e = Assert.Throws<LinuxIoException>(() => epoll.Add(987_654, 0));
        Assert.Equal("EBADF", e.ErrnoName);
        Assert.Contains("epoll_ctl add fd 987654", e.Message);
    }

    [Fact]
    public void Waiting_allocates_nothing()
    {
        using var epoll = new Epoll(4);
        using var wake = new EventFd();
        epoll.Add(wake.Fd, 7);
        for (int i = 0; i < 100; i++)
        {
            wake.Signal();
            epoll.Wait(0);
            epoll.DataAt(0);
            wake.Drain();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            wake.Signal();
            epoll.Wait(0);
            epoll.DataAt(0);
            wake.Drain();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
