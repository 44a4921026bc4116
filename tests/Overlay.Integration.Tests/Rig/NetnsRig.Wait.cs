using System.Diagnostics;

namespace Overlay.Integration.Tests.Rig;

// Waiting for a condition the rig's processes bring about (convergence, a failure detected).
public sealed partial class NetnsRig
{
    private static readonly TimeSpan DefaultPollPause = TimeSpan.FromMilliseconds(250);

    /// <summary>Polls <paramref name="problem"/> until it returns null and returns how long that took; fails the test
    /// with the last problem and every process's output after <paramref name="timeout"/>.</summary>
    /// <param name="pause">Between polls; 250 ms unless given (a cheap in-memory check may poll faster, for a finer
    /// measurement).</param>
    public TimeSpan WaitFor(string what, TimeSpan timeout, Func<string?> problem, TimeSpan? pause = null)
    {
        var clock = Stopwatch.StartNew();
        string? last;
        while ((last = problem()) is not null)
        {
            if (clock.Elapsed > timeout)
                Assert.Fail($"waited {timeout.TotalSeconds:F0} s for {what}; still:\n{last}\n\n{Describe()}");
            Thread.Sleep(pause ?? DefaultPollPause);
        }
        return clock.Elapsed;
    }
}
