using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Offload;
using Overlay.Dataplane.Tests.Offload;
using Overlay.Testing;
using static Overlay.Dataplane.Tests.Switching.SuperFrameRig;

namespace Overlay.Dataplane.Tests.Switching;

/// <summary>A VXLAN datagram from the UDP-tunnel underlay whose inner frame is a super-frame or has a partial
/// checksum (its virtio header in <see cref="Buffers.PacketBatch.Headers"/>, offsets from the inner Ethernet header):
/// whole to a local port whose device takes it, made ordinary for any other.</summary>
public sealed class SuperFrameOutsideTests
{
    /// <summary>One frame, 1000 bytes of TCP payload, with NEEDS_CSUM and no GSO, as the kernel sends over veth.</summary>
    private static readonly FrameSpec Single = new() { Source = MacA, Destination = MacB, Payload = 1000 };

    private static VirtioNetHeader PartialOnly(FrameSpec s) => FrameBuilder.GsoHeader(s, 0) with
    {
        GsoType = VirtioNetHeader.GsoNone,
        HeaderLength = 0,
    };

    [Fact]
    public void AnInnerSuperFrameToAPortThatTakesItIsDeliveredWholeWithItsHeader()
    {
        var rig = new SuperFrameRig();
        var device = new OffloadInsidePort();
        rig.StaticLocal(MacB, rig.AddPort("b", device));
        var spec = Super(MacB);
        byte[] super = FrameBuilder.Build(spec, partial: true);
        var header = FrameBuilder.GsoHeader(spec, GsoSize);

        rig.FromOutside(super, header, RemoteVtep);

        var written = Assert.Single(device.Written);
        Assert.Equal(header, written.Header);
        Assert.Equal(super, written.Frame);
        AssertLearnedAtRemote(rig);
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void AnInnerSuperFrameToAPortThatDoesNotTakeItIsSegmented()
    {
        var rig = new SuperFrameRig();
        var device = new CapturingInsidePort();
        rig.StaticLocal(MacB, rig.AddPort("b", device));
        var spec = Super(MacB);

        rig.FromOutside(FrameBuilder.Build(spec, partial: true), FrameBuilder.GsoHeader(spec, GsoSize), RemoteVtep);

        Assert.All(device.Written, w => Assert.Equal(VirtioNetHeader.None, w.Header));
        AssertSegmentsOf(spec, device.Frames);
        AssertLearnedAtRemote(rig);
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void AnInnerSuperFrameToTheSharedFakePortIsSegmented()
    {
        var rig = new SuperFrameRig();
        var b = new FakeInsidePort();
        rig.StaticLocal(MacB, rig.AddPort("b", b));
        var spec = Super(MacB);

        rig.FromOutside(FrameBuilder.Build(spec, partial: true), FrameBuilder.GsoHeader(spec, GsoSize), RemoteVtep);

        AssertSegmentsOf(spec, b.Written);
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void AnInnerSuperFrameToAnUnknownMacIsSegmentedToEveryLocalPort()
    {
        var rig = new SuperFrameRig();
        var offload = new OffloadInsidePort();
        var plain = new CapturingInsidePort();
        rig.AddPort("offload", offload);
        rig.AddPort("plain", plain);
        var spec = Super(MacC);

        rig.FromOutside(FrameBuilder.Build(spec, partial: true), FrameBuilder.GsoHeader(spec, GsoSize), RemoteVtep);

        foreach (var device in new[] { offload, plain })
        {
            Assert.All(device.Written, w => Assert.Equal(VirtioNetHeader.None, w.Header));
            AssertSegmentsOf(spec, device.Frames);
        }
        Assert.Empty(rig.Outside.Sent); // never back out
        AssertLearnedAtRemote(rig);
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void APartialChecksumToAPortThatDoesNotTakeItIsCompleted()
    {
        var rig = new SuperFrameRig();
        var device = new CapturingInsidePort();
        rig.StaticLocal(MacB, rig.AddPort("b", device));

        rig.FromOutside(FrameBuilder.Build(Single, partial: true), PartialOnly(Single), RemoteVtep);

        var written = Assert.Single(device.Written);
        Assert.Equal(VirtioNetHeader.None, written.Header);
        Assert.True(FrameBuilder.L4ChecksumValid(written.Frame, Single), "the TCP checksum was not completed");
        Assert.Equal(FrameBuilder.Build(Single), written.Frame);
        AssertLearnedAtRemote(rig);
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void APartialChecksumToAnUnknownMacIsCompletedForEveryLocalPort()
    {
        var rig = new SuperFrameRig();
        var b1 = new CapturingInsidePort();
        var b2 = new CapturingInsidePort();
        rig.AddPort("b1", b1);
        rig.AddPort("b2", b2);

        rig.FromOutside(FrameBuilder.Build(Single, partial: true), PartialOnly(Single), RemoteVtep);

        foreach (var device in new[] { b1, b2 })
        {
            var written = Assert.Single(device.Written);
            Assert.Equal(VirtioNetHeader.None, written.Header);
            Assert.Equal(FrameBuilder.Build(Single), written.Frame);
        }
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void APartialChecksumToAPortThatTakesItIsDeliveredAsItIs()
    {
        var rig = new SuperFrameRig();
        var device = new OffloadInsidePort();
        rig.StaticLocal(MacB, rig.AddPort("b", device));
        byte[] partial = FrameBuilder.Build(Single, partial: true);
        var header = PartialOnly(Single);

        rig.FromOutside(partial, header, RemoteVtep);

        var written = Assert.Single(device.Written);
        Assert.Equal(header, written.Header);
        Assert.Equal(partial, written.Frame); // the device (the kernel) finishes it
        AssertLearnedAtRemote(rig);
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void AnInnerSuperFrameToAMacAtARemoteIsDroppedAndNotSentBack()
    {
        var rig = new SuperFrameRig();
        rig.AddPort("b", new OffloadInsidePort());
        rig.StaticRemote(MacB, OtherVtep);
        var spec = Super(MacB);

        rig.FromOutside(FrameBuilder.Build(spec, partial: true), FrameBuilder.GsoHeader(spec, GsoSize), RemoteVtep);

        Assert.Empty(rig.Outside.Calls);
        Assert.Empty(rig.Outside.Sent);
        Assert.Equal(1, rig.Network.Counters.Drops[(int)Counters.DropReason.RemoteToRemote]);
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    private static void AssertLearnedAtRemote(SuperFrameRig rig)
    {
        Assert.True(rig.Network.Fdb.TryGet(MacA, out var learned), "the inner source MAC was not learned");
        Assert.False(learned.IsLocal);
        Assert.Equal(RemoteVtep, learned.Remote);
        Assert.Equal(FdbEntryKind.Dynamic, learned.Kind);
    }
}
