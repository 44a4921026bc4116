using Overlay.Dataplane.Switching;

namespace Overlay.Dataplane.Linux.Workers;

/// <summary>
/// The switch workers of one daemon: one per TAP queue and underlay socket, each with its own replica of the
/// switch (ports, tables, counters, buffer pool), sharing nothing mutable on the packet path. Their forwarding
/// tables stay alike through a <see cref="LearnExchange"/>; the control path changes every replica alike through
/// <see cref="InvokeAsync{T}"/>, and reads counters summed over them.
/// </summary>
public sealed class SwitchWorkerGroup : IDisposable
{
    private readonly SwitchWorker[] _workers;

    public SwitchWorkerGroup(IReadOnlyList<SwitchWorker> workers)
    {
        if (workers.Count == 0) throw new ArgumentException("at least one worker", nameof(workers));
        _workers = [.. workers];
    }

    public IReadOnlyList<SwitchWorker> Workers => _workers;

    /// <summary>The replicas, worker by worker; the first one's is the reference for names and structure.</summary>
    public IEnumerable<VxlanSwitch> Switches => _workers.Select(w => w.Switch);

    public void Start()
    {
        foreach (var w in _workers) w.Start();
    }

    /// <summary>Runs <paramref name="work"/> on every worker's replica (each on its own thread, between its
    /// batches) and returns the first worker's result once all have run. The work must leave every replica the
    /// same; results of the others are checked by <see cref="InvokeEachAsync{T}"/> callers that need them.</summary>
    public async Task<T> InvokeAsync<T>(Func<VxlanSwitch, T> work)
    {
        var results = await InvokeEachAsync(work).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>Runs <paramref name="work"/> on every worker's replica; the results in worker order.</summary>
    public Task<T[]> InvokeEachAsync<T>(Func<VxlanSwitch, T> work) =>
        Task.WhenAll(_workers.Select(w => w.InvokeAsync(work)));

    public void Stop()
    {
        foreach (var w in _workers) w.Stop();
    }

    public void Dispose()
    {
        foreach (var w in _workers) w.Dispose();
    }
}
