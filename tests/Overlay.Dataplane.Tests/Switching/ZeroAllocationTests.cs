using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Switching;
using Overlay.Packets;
using Overlay.Testing;

namespace Overlay.Dataplane.Tests.Switching;

/// <summary>The steady-state packet path allocates nothing: 100,000 frames each way, inside to outside and back,
/// through two switches joined by an in-memory underlay.</summary>
public sealed class ZeroAllocationTests
{
    [Theory]
    [InlineData("198.18.0.1", "198.18.0.2")]
    [InlineData("2001:2::1", "2001:2::2")]
    public void HundredThousandFramesEachWayAllocateNothing(string vtep1, string vtep2)
    {
        var rig = new SwitchRig();
        bool v6 = vtep1.Contains(':');
        var h1 = v6 ? rig.AddHost("198.18.0.1", v6: vtep1) : rig.AddHost(vtep1);
        var h2 = v6 ? rig.AddHost("198.18.0.2", v6: vtep2) : rig.AddHost(vtep2);
        var a = h1.Port("a", 42);
        var b = h2.Port("b", 42);
        a.Capture = b.Capture = false;
        h1.Switch.FdbUpdate(h1.Network(42), FdbChange.Append, MacAddress.Zero, null, IpAddr.Parse(vtep2), FdbEntryKind.Permanent);
        h2.Switch.FdbUpdate(h2.Network(42), FdbChange.Append, MacAddress.Zero, null, IpAddr.Parse(vtep1), FdbEntryKind.Permanent);

        var macA = MacAddress.Parse("02:00:00:00:00:0a");
        var macB = MacAddress.Parse("02:00:00:00:00:0b");
        var toB = Frames.Udp4(macB, macA, 0xC6130001, 0xC6130002, 5000, 5001, 1000);
        var toA = Frames.Udp4(macA, macB, 0xC6130002, 0xC6130001, 5001, 5000, 1000);

        var batch = new PacketBatch(64);
        void Run(int frames)
        {
            for (int sent = 0; sent < frames; sent += 64)
            {
                for (int i = 0; i < 64; i++)
                {
                    a.Enqueue(toB);
                    b.Enqueue(toA);
                }
                a.Read(h1.Pool, batch);
                h1.Switch.ProcessInside(0, batch);
                h2.End.Receive(h2.Pool, batch);
                h2.Switch.ProcessOutside(batch);
                b.Read(h2.Pool, batch);
                h2.Switch.ProcessInside(0, batch);
                h1.End.Receive(h1.Pool, batch);
                h1.Switch.ProcessOutside(batch);
            }
        }

        Run(64 * 200); // warm up: learning, JIT tiers
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(100_032);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(64 * 200 + 100_032, b.WrittenCount);
        Assert.Equal(64 * 200 + 100_032, a.WrittenCount);
        Assert.Equal(0, h1.Pool.Outstanding);
        Assert.Equal(0, h2.Pool.Outstanding);
    }
}
