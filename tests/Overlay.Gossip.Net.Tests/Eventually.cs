using System.Diagnostics;

namespace Overlay.Gossip.Net.Tests;

/// <summary>Waits for a condition of a live cluster on real sockets and real time, polling, with a deadline and a
/// description of the state when it fails.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns how long it took.</summary>
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"not true after {timeout.TotalSeconds:0.#} s: {await describe()}");
            }
            await Task.Delay(Poll);
        }
    }

    public static Task<TimeSpan> HoldsAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, () => Task.FromResult(describe()));
}
