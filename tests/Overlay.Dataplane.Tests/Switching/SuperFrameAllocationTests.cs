using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;
using Overlay.Dataplane.Tests.Offload;
using Overlay.Dataplane.Ports;
using Overlay.Dataplane.Switching;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;
using static Overlay.Dataplane.Tests.Switching.SuperFrameRig;

namespace Overlay.Dataplane.Tests.Switching;

/// <summary>The super-frame paths allocate nothing in the steady state: whole to the outside, segmented when the
/// outside refuses, and received inner super-frames whole to a port that takes them.</summary>
public sealed class SuperFrameAllocationTests
{
    private sealed class CountingOutside : IOutsidePort, ISuperFrameOutside
    {
        public bool Accept { get; init; }
        public long SuperFrames { get; private set; }
        public long Datagrams { get; private set; }
        public int Receive(PacketBufferPool pool, PacketBatch batch) => 0;

        public int Send(PacketBufferPool pool, PacketBatch batch)
        {
            Datagrams += batch.Count;
            return batch.Count;
        }

        public bool TrySendSuperFrame(PacketBufferPool pool, int handle, int offset, int length, in VirtioNetHeader header, uint vni, IpAddr remote, uint flowHash)
        {
            if (!Accept) return false;
            SuperFrames++;
            return true;
        }
    }

    private sealed class TakingPort : IInsidePort
    {
        public long Written { get; private set; }
        public int Read(PacketBufferPool pool, PacketBatch batch) => 0;

        public int Write(PacketBufferPool pool, PacketBatch batch)
        {
            int n = batch.Count;
            Written += n;
            batch.ReturnAll(pool);
            return n;
        }

        public bool Accepts(in VirtioNetHeader header) => true;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Super_frames_both_ways_allocate_nothing(bool outsideAccepts)
    {
        var pool = new PacketBufferPool(512, largeCount: 8);
        var outside = new CountingOutside { Accept = outsideAccepts };
        var sw = new VxlanSwitch(pool, new VxlanSettings { LocalV4 = LocalVtep }, outside, new FakeTimeProvider());
        var network = sw.AddNetwork(new NetworkSettings { Name = "net42", Vni = Vni });
        var port = new TakingPort();
        var a = sw.AddPort("a", port, network, Mtu);
        Assert.Equal(FdbResult.Ok, sw.FdbUpdate(network, FdbChange.Add, MacB, null, RemoteVtep, FdbEntryKind.Permanent));
        Assert.Equal(FdbResult.Ok, sw.FdbUpdate(network, FdbChange.Add, MacA, a, default, FdbEntryKind.Permanent));

        var outSpec = Super(MacB);
        byte[] outgoing = FrameBuilder.Build(outSpec, partial: true);
        var outHeader = FrameBuilder.GsoHeader(outSpec, GsoSize);
        var inSpec = Super(MacA) with { Source = MacB };
        byte[] incoming = FrameBuilder.Build(inSpec, partial: true);
        var inHeader = FrameBuilder.GsoHeader(inSpec, GsoSize);
        var rx = new PacketBatch(8);

        void Run(int rounds)
        {
            for (int r = 0; r < rounds; r++)
            {
                Assert.True(pool.TryRentLarge(out int handle));
                outgoing.CopyTo(pool.Span(handle).Slice(PacketBufferPool.Headroom));
                rx.Add(handle, PacketBufferPool.Headroom, outgoing.Length, outHeader);
                sw.ProcessInside(a.Index, rx);

                Assert.True(pool.TryRentLarge(out handle));
                int offset = PacketBufferPool.Headroom + 14 + 20 + 8;
                var datagram = pool.Span(handle).Slice(offset, VxlanView.HeaderLength + incoming.Length);
                datagram.Slice(0, VxlanView.HeaderLength).Clear();
                datagram[0] = VxlanView.IFlag;
                BinaryPrimitives.WriteUInt32BigEndian(datagram.Slice(4), Vni << 8);
                incoming.CopyTo(datagram.Slice(VxlanView.HeaderLength));
                rx.Add(handle, offset, datagram.Length, inHeader, RemoteVtep, 50000);
                sw.ProcessOutside(rx);
            }
        }

        Run(200); // warm up: JIT tiers
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(20_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(20_200, port.Written);
        if (outsideAccepts) Assert.Equal(20_200, outside.SuperFrames);
        else Assert.Equal(20_200 * SegmentCount(outSpec), outside.Datagrams);
    }
}
