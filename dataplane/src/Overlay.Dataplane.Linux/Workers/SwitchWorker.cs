using System.Collections.Concurrent;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Polling;
using Overlay.Dataplane.Switching;

namespace Overlay.Dataplane.Linux.Workers;

/// <summary>
/// The thread that owns a <see cref="VxlanSwitch"/>: waits on its TAPs and underlay sockets with epoll and runs
/// each ready batch to completion (read, switch, flush). The control path never touches the switch directly: it
/// posts work with <see cref="InvokeAsync{T}"/>, run between batches, so the switch keeps one writer.
/// </summary>
public sealed partial class SwitchWorker : IDisposable
{
    private const int WakeData = int.MaxValue;
    /// <summary>Epoll data of underlay source i is UnderlayBase - i.</summary>
    private const int UnderlayBase = -1;

    private readonly VxlanSwitch _switch;
    private readonly Epoll _epoll;
    private readonly EventFd _wake = new();
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly PacketBatch _rx;
    private readonly Ports.IUnderlayReceiver[] _receivers;
    private readonly TimeProvider _time;
    private readonly TimeSpan _ageInterval;
    private readonly Action<Exception>? _onError;
    private readonly int _index;
    private readonly int _cpu;
    private Thread? _thread;
    private volatile bool _stopping;

    /// <param name="tapFds">The file descriptor this worker reads for each switch port, by port index; -1 for a
    /// port it only writes to (a single-queue TAP that another worker reads).</param>
    /// <param name="underlays">The underlay's receive descriptors, each with what reads it (a socket, the tunnel TAP):
    /// a ready descriptor is read alone, so an idle source costs no system call.</param>
    /// <param name="index">The worker's number, for its thread name.</param>
    /// <param name="cpu">A CPU to pin the thread to, or -1 to leave it to the scheduler.</param>
    public SwitchWorker(VxlanSwitch sw, IReadOnlyList<int> tapFds, IReadOnlyList<(int Fd, Ports.IUnderlayReceiver Receiver)> underlays,
        TimeProvider time, int batchSize, Action<Exception>? onError = null, TimeSpan? ageInterval = null, int index = 0, int cpu = -1)
    {
        _switch = sw;
        _receivers = [.. underlays.Select(u => u.Receiver)];
        _time = time;
        _onError = onError;
        _index = index;
        _cpu = cpu;
        _ageInterval = ageInterval ?? TimeSpan.FromSeconds(10); // the kernel's FDB_AGE_INTERVAL
        _rx = new PacketBatch(batchSize);
        _epoll = new Epoll(tapFds.Count + underlays.Count + 1);
        for (int i = 0; i < tapFds.Count; i++)
        {
            if (tapFds[i] >= 0) _epoll.Add(tapFds[i], i);
        }
        for (int i = 0; i < underlays.Count; i++) _epoll.Add(underlays[i].Fd, UnderlayBase - i);
        _epoll.Add(_wake.Fd, WakeData);
    }

    /// <summary>Batches processed, for tests and stats.</summary>
    public long Batches { get; private set; }
    public long Errors { get; private set; }
    public VxlanSwitch Switch => _switch;
    /// <summary>The errno of a failed CPU pinning, 0 when pinned or not asked to.</summary>
    public int PinErrno { get; private set; }

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = _index == 0 ? "overlay-switch" : $"overlay-switch{_index}" };
        _thread.Start();
    }

    private unsafe void Pin()
    {
        if (_cpu is < 0 or >= 64) return;
        ulong mask = 1UL << _cpu;
        if (Native.Libc.SchedSetAffinity(0, sizeof(ulong), &mask) != 0) PinErrno = Native.Errno.Last;
    }

    /// <summary>Runs <paramref name="work"/> on the worker's thread between batches.</summary>
    public Task<T> InvokeAsync<T>(Func<VxlanSwitch, T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_thread is null || _stopping)
        {
            // Not running: nothing else touches the switch, so run here.
            try { done.SetResult(work(_switch)); }
            catch (Exception e) { done.SetException(e); }
            return done.Task;
        }
        _commands.Enqueue(() =>
        {
            try { done.SetResult(work(_switch)); }
            catch (Exception e) { done.SetException(e); }
        });
        _wake.Signal();
        return done.Task;
    }

    private void Run()
    {
        Pin();
        long nextAge = _time.GetTimestamp() + (long)(_ageInterval.TotalSeconds * _time.TimestampFrequency);
        while (!_stopping)
        {
            int n;
            try
            {
                n = _epoll.Wait(1000);
                _switch.AdoptShared();
            }
            catch (Exception e)
            {
                Fail(e);
                continue;
            }
            for (int i = 0; i < n && !_stopping; i++)
            {
                int data = _epoll.DataAt(i);
                try
                {
                    if (data == WakeData) RunCommands();
                    else if (data <= UnderlayBase) Outside(UnderlayBase - data);
                    else Inside(data);
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            }
            long now = _time.GetTimestamp();
            if (now >= nextAge)
            {
                nextAge = now + (long)(_ageInterval.TotalSeconds * _time.TimestampFrequency);
                try { _switch.Age(); }
                catch (Exception e) { Fail(e); }
            }
        }
        RunCommands();
    }

    private void Inside(int portIndex)
    {
        var port = _switch.Ports[portIndex];
        if (port.Device.Read(_switch.Pool, _rx) == 0) return;
        Batches++;
        _switch.ProcessInside(portIndex, _rx);
    }

    private void Outside(int source)
    {
        if (_receivers[source].Receive(_switch.Pool, _rx) == 0) return;
        Batches++;
        _switch.ProcessOutside(_rx);
    }

    private void RunCommands()
    {
        _wake.Drain();
        while (_commands.TryDequeue(out var command)) command();
    }

    private void Fail(Exception e)
    {
        Errors++;
        // A batch that failed half way has handed some of its buffers on already; returning them all would put
        // a buffer in the pool twice (two owners, corrupted packets). Forget them instead: the pool's
        // Outstanding count shows the loss.
        _rx.Count = 0;
        _onError?.Invoke(e);
    }

    public void Stop()
    {
        _stopping = true;
        _wake.Signal();
        _thread?.Join(TimeSpan.FromSeconds(5));
    }

    public void Dispose()
    {
        Stop();
        _epoll.Dispose();
        _wake.Dispose();
    }
}
