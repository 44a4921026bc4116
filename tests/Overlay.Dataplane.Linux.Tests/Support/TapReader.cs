using System.Diagnostics;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Polling;
using Overlay.Dataplane.Linux.Tap;

namespace Overlay.Dataplane.Linux.Tests.Support;

/// <summary>Reads a TAP until a frame matches, skipping the kernel's own chatter (IPv6 RS, MLD, DAD).</summary>
internal static class TapReader
{
    public delegate bool FramePredicate(ReadOnlySpan<byte> frame);

    /// <summary>Returns a copy of the first matching frame, or null after <paramref name="timeoutMs"/>.
    /// Every buffer read goes back to the pool.</summary>
    public static byte[]? ReadUntil(TapDevice tap, PacketBufferPool pool, FramePredicate match, int timeoutMs = 3000)
    {
        using var epoll = new Epoll(1);
        epoll.Add(tap.Fd, 0);
        var batch = new PacketBatch(16);
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < timeoutMs)
        {
            tap.Read(pool, batch);
            byte[]? found = null;
            for (int i = 0; i < batch.Count && found is null; i++)
            {
                var frame = batch.Packet(pool, i);
                if (match(frame)) found = frame.ToArray();
            }
            batch.ReturnAll(pool);
            if (found is not null) return found;
            epoll.Wait(50);
        }
        return null;
    }
}
