using System.Diagnostics;
using Overlay.Dataplane.Linux.Polling;

namespace Overlay.Dataplane.Linux.Tests.Support;

/// <summary>Waiting for an fd without sleeping blindly.</summary>
internal static class Wait
{
    /// <summary>True when <paramref name="fd"/> becomes readable within <paramref name="timeoutMs"/>.</summary>
    public static bool Readable(int fd, int timeoutMs = 2000)
    {
        using var epoll = new Epoll(1);
        epoll.Add(fd, 0);
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < timeoutMs)
        {
            if (epoll.Wait(Math.Max(1, timeoutMs - (int)clock.ElapsedMilliseconds)) > 0) return true;
        }
        return false;
    }
}
