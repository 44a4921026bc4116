using System.Collections.Concurrent;
using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>An <see cref="IControlHandler"/> answering from <see cref="SampleData"/>, recording what it was asked and
/// failing on request.</summary>
internal sealed class FakeControlHandler : IControlHandler
{
    public ConcurrentQueue<object> Requests { get; } = new();

    /// <summary>When set, every call throws it.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, every call waits for it (or for cancellation) first.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public ControlResult ChangeResult { get; set; } = ControlResult.Success(1);

    public ControlResult FlushResult { get; set; } = ControlResult.Success(3);

    public ControlResult KeyChangeResult { get; set; } = ControlResult.Success(1);

    public async Task<IReadOnlyList<FdbEntryDto>> FdbShowAsync(FdbFilter filter, CancellationToken cancellationToken)
    {
        await EnterAsync(filter, cancellationToken);
        return SampleData.Entries;
    }

    public async Task<ControlResult> FdbChangeAsync(FdbChangeDto change, CancellationToken cancellationToken)
    {
        await EnterAsync(change, cancellationToken);
        return ChangeResult;
    }

    public async Task<ControlResult> FdbFlushAsync(FdbFlushDto flush, CancellationToken cancellationToken)
    {
        await EnterAsync(flush, cancellationToken);
        return FlushResult;
    }

    public async Task<IReadOnlyList<PortDto>> PortsAsync(CancellationToken cancellationToken)
    {
        await EnterAsync("ports", cancellationToken);
        return SampleData.Ports;
    }

    public async Task<IReadOnlyList<NetworkDto>> NetworksAsync(CancellationToken cancellationToken)
    {
        await EnterAsync("networks", cancellationToken);
        return SampleData.Networks;
    }

    public async Task<StatsDto> StatsAsync(CancellationToken cancellationToken)
    {
        await EnterAsync("stats", cancellationToken);
        return SampleData.Stats;
    }

    public async Task<IReadOnlyList<MemberDto>> MembersAsync(CancellationToken cancellationToken)
    {
        await EnterAsync("members", cancellationToken);
        return SampleData.Members;
    }

    public async Task<IReadOnlyList<EndpointDto>> EndpointsAsync(CancellationToken cancellationToken)
    {
        await EnterAsync("endpoints", cancellationToken);
        return SampleData.Endpoints;
    }

    public async Task<IReadOnlyList<KeyDto>> KeysAsync(CancellationToken cancellationToken)
    {
        await EnterAsync("keys", cancellationToken);
        return SampleData.Keys;
    }

    public async Task<ControlResult> KeyChangeAsync(KeyChangeDto change, CancellationToken cancellationToken)
    {
        await EnterAsync(change, cancellationToken);
        return KeyChangeResult;
    }

    public T Last<T>() => Requests.OfType<T>().Last();

    private readonly SemaphoreSlim _entered = new(0);

    /// <summary>Completes once <paramref name="count"/> requests have reached the handler in all.</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (Requests.Count < count)
        {
            await _entered.WaitAsync(deadline.Token);
        }
    }

    private async Task EnterAsync(object request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        _entered.Release();
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}
