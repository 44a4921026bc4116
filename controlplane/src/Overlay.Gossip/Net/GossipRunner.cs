using System.Collections.Concurrent;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Net;

/// <summary>
/// Owns a <see cref="GossipNode"/> and calls it from one dedicated thread, as the node requires: packets and
/// stream requests from the transport and calls from the control path arrive through a work queue, and
/// <see cref="GossipNode.Tick"/> runs when <see cref="GossipNode.NextDueTimestamp"/> comes (a timer from the injected
/// <see cref="TimeProvider"/> wakes the thread). An exception from the node is reported through the error
/// callback and the loop goes on.
/// </summary>
/// <remarks>
/// Wiring: create the <see cref="UdpTcpTransport"/> (it binds), the node on it (with the transport's sizer), this
/// runner on the node, then <see cref="UdpTcpTransport.Start"/> with this runner, then <see cref="StartAsync"/>.
/// Stop with <see cref="StopAsync"/> (graceful leave) before disposing the transport.
/// </remarks>
public sealed partial class GossipRunner : IAsyncDisposable
{
    private const int StateCreated = 0;
    private const int StateRunning = 1;
    private const int StateStopped = 2;

    private readonly GossipNode _node;
    private readonly GossipRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<Exception>? _onError;
    private readonly ConcurrentQueue<Work> _queue = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly ITimer _timer;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;
    private int _stopRequested;
    private int _queuedPackets;
    private long _errors;

    // Owned by the loop thread.
    private bool _leaving;
    private long _leaveDeadline;
    private bool _exit;

    public GossipRunner(GossipNode node, GossipRunnerOptions? options = null, TimeProvider? timeProvider = null, Action<Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        options ??= GossipRunnerOptions.Default;
        options.Validate();
        _node = node;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _onError = onError;
        _timer = _time.CreateTimer(static state => ((GossipRunner)state!)._wake.Set(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _thread = new Thread(Run) { IsBackground = true, Name = $"gossip {node.Name}" };
    }

    /// <summary>The node's name (immutable, safe to read from any thread).</summary>
    public string Name => _node.Name;

    /// <summary>The node's advertised address.</summary>
    public GossipEndPoint EndPoint => _node.EndPoint;

    public bool IsRunning => Volatile.Read(ref _state) == StateRunning;

    /// <summary>Exceptions the node threw into the loop (each one was reported to the error callback).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Received packets waiting for the node thread.</summary>
    public int QueuedPackets => Volatile.Read(ref _queuedPackets);

    /// <summary>Completes when the loop has ended and the node is shut down.</summary>
    public Task Completion => _stopped.Task;

    /// <summary>Starts the loop thread, then on it <see cref="GossipNode.Start"/> and, with seeds,
    /// <see cref="GossipNode.Join"/>. Returns how many join exchanges were started; their results arrive later
    /// (watch <see cref="GossipNode.SuccessfulJoins"/> or the members).</summary>
    public Task<int> StartAsync(IEnumerable<GossipEndPoint>? seeds = null)
    {
        if (Interlocked.CompareExchange(ref _state, StateRunning, StateCreated) != StateCreated)
        {
            throw new InvalidOperationException($"the gossip runner of {Name} was already started");
        }
        GossipEndPoint[] list = seeds?.ToArray() ?? [];
        _thread.Start();
        return InvokeAsync(node =>
        {
            node.Start();
            return list.Length > 0 ? node.Join(list) : 0;
        });
    }

    /// <summary>Joins (more) seeds on the node thread; see <see cref="GossipNode.Join"/>.</summary>
    public Task<int> JoinAsync(IEnumerable<GossipEndPoint> seeds)
    {
        GossipEndPoint[] list = seeds.ToArray();
        return InvokeAsync(node => node.Join(list));
    }

    /// <summary>Runs <paramref name="function"/> on the node thread (members list, broadcast, meta update). Its
    /// exception, or <see cref="ObjectDisposedException"/> once the runner has stopped, faults the task.</summary>
    public Task<T> InvokeAsync<T>(Func<GossipNode, T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var call = new Call<T>(function);
        if (!TryPost(new Work(WorkKind.Call, default, call, 0)))
        {
            call.Fail(new ObjectDisposedException(nameof(GossipRunner), $"the gossip runner of {Name} is not running"));
        }
        return call.Completion.Task;
    }

    public Task InvokeAsync(Action<GossipNode> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return InvokeAsync(node =>
        {
            action(node);
            return true;
        });
    }

    /// <summary>Stops the node. With <paramref name="leave"/> it leaves gracefully first and keeps running until
    /// the leave is disseminated or <see cref="GossipRunnerOptions.LeaveTimeout"/> passes; without, it just
    /// stops (as a crash would look to the others). Then <see cref="GossipNode.Shutdown"/>. Idempotent.</summary>
    public Task StopAsync(bool leave = true)
    {
        if (Interlocked.CompareExchange(ref _state, StateStopped, StateCreated) == StateCreated)
        {
            _timer.Dispose();
            FailPending();
            _stopped.TrySetResult();
            return _stopped.Task;
        }
        if (Interlocked.Exchange(ref _stopRequested, 1) == 0)
        {
            TryPost(new Work(WorkKind.Stop, default, null, leave ? 1 : 0));
        }
        return _stopped.Task;
    }

    /// <summary>Stops without leaving (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync(leave: false).ConfigureAwait(false);

    /// <summary>The provider's monotonic timestamp: a step of the wall clock moves no deadline.</summary>
    private long Now => _time.GetTimestamp();

    private void Run()
    {
        try
        {
            Loop();
        }
        finally
        {
            try
            {
                _node.Shutdown();
            }
            catch (Exception e)
            {
                Report(e);
            }
            Volatile.Write(ref _state, StateStopped);
            _timer.Dispose();
            FailPending();
            _stopped.TrySetResult();
        }
    }

    private void Loop()
    {
        while (!_exit)
        {
            _wake.Reset();
            int handled = 0;
            while (handled < _options.MaxBatch && !_exit && _queue.TryDequeue(out Work work))
            {
                Execute(work);
                handled++;
            }
            if (_exit)
            {
                return;
            }
            long now = Now;
            if (_node.NextDueTimestamp <= now)
            {
                Tick();
                continue;
            }
            if (_leaving && (_node.LeaveDisseminated || now >= _leaveDeadline))
            {
                return;
            }
            if (handled == _options.MaxBatch || !_queue.IsEmpty)
            {
                continue;
            }
            ArmTimer(Math.Min(_node.NextDueTimestamp, _leaving ? _leaveDeadline : long.MaxValue), now);
            _wake.Wait();
        }
    }

    private void Tick()
    {
        try
        {
            _node.Tick();
        }
        catch (Exception e)
        {
            Report(e);
        }
    }

    private void BeginStop(bool leave)
    {
        if (!leave)
        {
            _exit = true;
            return;
        }
        _node.Leave();
        if (!_node.IsLeaving)
        {
            _exit = true; // never started, or already stopped: nobody to tell
            return;
        }
        _leaving = true;
        _leaveDeadline = Now + (long)(_options.LeaveTimeout.TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>Wakes the loop at <paramref name="due"/> (a provider timestamp), rounded up to whole milliseconds
    /// so the timer never fires before the node has work.</summary>
    private void ArmTimer(long due, long now)
    {
        if (due == long.MaxValue)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        long ticks = _time.GetElapsedTime(now, due).Ticks;
        long milliseconds = Math.Clamp((ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond, 1, int.MaxValue - 1);
        _timer.Change(TimeSpan.FromMilliseconds(milliseconds), Timeout.InfiniteTimeSpan);
    }

    private void Report(Exception error)
    {
        Interlocked.Increment(ref _errors);
        try
        {
            _onError?.Invoke(error);
        }
        catch
        {
            // A failing log callback must not take the loop down.
        }
    }
}
