using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>Segments the kernel's GRO would not merge are not merged: the first segment leaves alone and untouched.</summary>
public sealed class GroNoMergeTests
{
    private static readonly FrameSpec Base = new() { Payload = 1000, TcpOptions = FrameSpec.Timestamps(100, 200) };
    private static readonly FrameSpec Base6 = Base with { V6 = true };

    /// <summary>Segment i of a stream of 1000-byte segments.</summary>
    private static FrameSpec Seg(FrameSpec b, int i) => FrameBuilder.SegmentSpec(b with { Payload = 3000 }, 1000, i);

    public static readonly Dictionary<string, Func<FrameSpec, FrameSpec>> Mutations = new()
    {
        ["sequence gap"] = s => s with { Sequence = s.Sequence + 1 },
        ["retransmission"] = s => s with { Sequence = s.Sequence - 1000 },
        ["syn"] = s => s with { Flags = s.Flags | TcpFlags.Syn },
        ["rst"] = s => s with { Flags = s.Flags | TcpFlags.Rst },
        ["urg"] = s => s with { Flags = s.Flags | TcpFlags.Urg, UrgentPointer = 5 },
        ["ece"] = s => s with { Flags = s.Flags | TcpFlags.Ece },
        ["cwr"] = s => s with { Flags = s.Flags | TcpFlags.Cwr },
        ["no ack flag"] = s => s with { Flags = TcpFlags.None },
        ["other timestamp"] = s => s with { TcpOptions = FrameSpec.Timestamps(101, 200) },
        ["no options"] = s => s with { TcpOptions = [] },
        ["other ack"] = s => s with { Ack = s.Ack + 1 },
        ["other window"] = s => s with { Window = (ushort)(s.Window + 1) },
        ["ttl"] = s => s with { Ttl = 63 },
        ["tos"] = s => s with { Tos = 4 },
        ["df cleared"] = s => s with { DontFragment = false },
        ["ipv4 options"] = s => s with { Ipv4Options = [1, 1, 1, 0] },
        ["more fragments"] = s => s with { MoreFragments = true },
        ["ip id skips"] = s => s with { IpId = (ushort)(s.IpId + 1) },
        ["ip id repeats without df"] = s => s with { IpId = (ushort)(s.IpId - 1), DontFragment = false },
        ["larger than the first"] = s => s with { Payload = 1001 },
        ["no payload"] = s => s with { Payload = 0 },
    };

    public static readonly Dictionary<string, Func<FrameSpec, FrameSpec>> Mutations6 = new()
    {
        ["hop limit"] = s => s with { Ttl = 1 },
        ["traffic class"] = s => s with { Tos = 0x10 },
        ["syn"] = s => s with { Flags = s.Flags | TcpFlags.Syn },
        ["other ack"] = s => s with { Ack = s.Ack + 1 },
    };

    public static IEnumerable<object[]> V4Cases() => Mutations.Keys.Select(k => new object[] { k });
    public static IEnumerable<object[]> V6Cases() => Mutations6.Keys.Select(k => new object[] { k });

    private static void AssertFirstLeavesAlone(FrameSpec b, Func<FrameSpec, FrameSpec> mutate, Func<byte[], byte[]>? corrupt = null)
    {
        byte[] first = FrameBuilder.Build(Seg(b, 0));
        byte[] second = FrameBuilder.Build(mutate(Seg(b, 1)));
        if (corrupt != null) second = corrupt(second);
        byte[] third = FrameBuilder.Build(Seg(b, 2));
        var emitted = new GroRig().Run(first, second, third);
        GroRig.Equal(GroRig.Single(first), emitted[0]);
        // The second may start a super-frame of its own with the third (CWR, a fixed id from there on): the kernel does too.
        Assert.InRange(emitted.Count, 2, 3);
    }

    [Theory]
    [MemberData(nameof(V4Cases))]
    public void Ipv4(string mutation) => AssertFirstLeavesAlone(Base, Mutations[mutation]);

    [Theory]
    [MemberData(nameof(V6Cases))]
    public void Ipv6(string mutation) => AssertFirstLeavesAlone(Base6, Mutations6[mutation]);

    [Fact]
    public void BadTcpChecksum() => AssertFirstLeavesAlone(Base, s => s, f => { f[^1] ^= 1; return f; });

    [Fact]
    public void BadIpv4HeaderChecksum() => AssertFirstLeavesAlone(Base, s => s, f => { f[14 + 10] ^= 1; return f; });

    [Fact]
    public void EthernetPadding() => AssertFirstLeavesAlone(Base, s => s, f => [.. f, 0, 0]);

    [Fact]
    public void BadChecksumOnTheFirstSegmentIsPassedOnAlone()
    {
        byte[] first = FrameBuilder.Build(Seg(Base, 0));
        first[^1] ^= 0xFF;
        byte[] second = FrameBuilder.Build(Seg(Base, 1));
        var emitted = new GroRig().Run(first, second);
        Assert.Equal(2, emitted.Count);
        GroRig.Equal(GroRig.Single(first), emitted[0]);
        GroRig.Equal(GroRig.Single(second), emitted[1]);
    }

    [Fact]
    public void ALargerSegmentAfterASmallerOneStartsAfresh()
    {
        var small = Base with { Payload = 500 };
        var big = Base with { Payload = 1000, Sequence = Base.Sequence + 500, PatternOffset = 500, IpId = (ushort)(Base.IpId + 1) };
        var emitted = new GroRig().Run(FrameBuilder.Build(small), FrameBuilder.Build(big));
        Assert.Equal(2, emitted.Count);
        Assert.All(emitted, e => Assert.False(e.Header.IsGso));
    }

    [Fact]
    public void AShortSegmentClosesTheSuperFrame()
    {
        var spec = Base with { Payload = 2500 };
        var segs = GroRig.Segments(spec, 1000);
        byte[] after = FrameBuilder.Build(FrameBuilder.SegmentSpec(spec with { Payload = 3500 }, 1000, 3) with { Sequence = spec.Sequence + 2500, PatternOffset = 2500 });
        var emitted = new GroRig().Run([.. segs, after]);
        Assert.Equal(2, emitted.Count);
        GroRig.Equal(GroRig.Merged(spec, 1000), emitted[0]);
        GroRig.Equal(GroRig.Single(after), emitted[1]);
    }

    [Fact]
    public void AFlowLabelOrPortChangeIsAnotherFlow()
    {
        foreach (var other in new[] { Base6 with { FlowLabel = 7 }, Base6 with { SourcePort = 1 }, Base6 with { DestinationV6 = "2001:2::3" } })
        {
            byte[] stranger = FrameBuilder.Build(Seg(other, 1));
            var emitted = new GroRig().Run(FrameBuilder.Build(Seg(Base6, 0)), stranger, FrameBuilder.Build(Seg(Base6, 1)));
            Assert.Equal(2, emitted.Count);
            GroRig.Equal(GroRig.Merged(Base6 with { Payload = 2000 }, 1000), emitted[0]);
            GroRig.Equal(GroRig.Single(stranger), emitted[1]);
        }
    }

    [Fact]
    public void AnotherMacOrVlanIsAnotherFlow()
    {
        foreach (var other in new[] { Base with { Source = MacAddress.Parse("02:00:00:00:00:99") }, Base with { VlanTci = 3 } })
        {
            var emitted = new GroRig().Run(FrameBuilder.Build(Seg(Base, 0)), FrameBuilder.Build(Seg(other, 1)));
            Assert.Equal(2, emitted.Count);
            Assert.All(emitted, e => Assert.False(e.Header.IsGso));
        }
    }

    [Fact]
    public void UdpAndArpPassThrough()
    {
        byte[] udp = FrameBuilder.Build(Base with { Udp = true });
        byte[] udp2 = FrameBuilder.Build(Base with { Udp = true, PatternOffset = 1000 });
        byte[] arp = Overlay.Testing.Frames.ArpRequest(MacAddress.Parse("02:00:00:00:00:01"), 0xC6120001, 0xC6120002);
        var rig = new GroRig();
        Assert.Equal(GroAddResult.PassedThrough, rig.Add(udp));
        Assert.Equal(GroAddResult.PassedThrough, rig.Add(udp2));
        Assert.Equal(GroAddResult.PassedThrough, rig.Add(arp));
        Assert.True(rig.Gro.Flush());
        var emitted = rig.Drain();
        Assert.Equal(3, emitted.Count);
        GroRig.Equal(GroRig.Single(udp), emitted[0]);
        GroRig.Equal(GroRig.Single(udp2), emitted[1]);
        GroRig.Equal(GroRig.Single(arp), emitted[2]);
    }
}
