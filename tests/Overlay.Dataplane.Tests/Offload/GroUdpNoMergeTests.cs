using System.Buffers.Binary;
using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>Datagrams the kernel's UDP GRO would not merge are not merged, and a flow's datagrams still leave in the
/// order they came.</summary>
public sealed class GroUdpNoMergeTests
{
    private static readonly FrameSpec Base = new() { Udp = true, Payload = 100 };
    private static readonly FrameSpec Base6 = Base with { V6 = true };

    /// <summary>Datagram i of a flow of 100-byte datagrams.</summary>
    private static FrameSpec Datagram(FrameSpec b, int i) => FrameBuilder.SegmentSpec(b with { Payload = 1000 }, 100, i);

    private static byte[] ZeroChecksum(byte[] frame, FrameSpec spec)
    {
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(spec.L2Length + spec.IpHeaderLength + 6), 0);
        return frame;
    }

    private static byte[] Corrupt(byte[] frame)
    {
        frame[^1] ^= 0x40;
        return frame;
    }

    public static readonly Dictionary<string, Func<FrameSpec, FrameSpec>> SameFlow = new()
    {
        ["ttl"] = s => s with { Ttl = 63 },
        ["tos"] = s => s with { Tos = 4 },
        ["df cleared"] = s => s with { DontFragment = false },
        ["ipv4 options"] = s => s with { Ipv4Options = [1, 1, 1, 0] },
        ["more fragments"] = s => s with { MoreFragments = true },
        ["ip id skips"] = s => s with { IpId = (ushort)(s.IpId + 1) },
        ["ip id repeats without df"] = s => s with { IpId = (ushort)(s.IpId - 1), DontFragment = false },
        ["larger than the first"] = s => s with { Payload = 101 },
        ["no payload"] = s => s with { Payload = 0 },
    };

    public static readonly Dictionary<string, Func<FrameSpec, FrameSpec>> SameFlow6 = new()
    {
        ["hop limit"] = s => s with { Ttl = 1 },
        ["traffic class"] = s => s with { Tos = 0x10 },
        ["larger than the first"] = s => s with { Payload = 101 },
    };

    public static IEnumerable<object[]> V4Cases() => SameFlow.Keys.Select(k => new object[] { k });
    public static IEnumerable<object[]> V6Cases() => SameFlow6.Keys.Select(k => new object[] { k });

    /// <summary>Feeds datagram 0, a changed datagram 1 and datagram 2: the first must leave alone and untouched.</summary>
    private static void AssertFirstLeavesAlone(FrameSpec b, Func<FrameSpec, FrameSpec> mutate, Func<byte[], FrameSpec, byte[]>? corrupt = null)
    {
        byte[] first = FrameBuilder.Build(Datagram(b, 0));
        var secondSpec = mutate(Datagram(b, 1));
        byte[] second = FrameBuilder.Build(secondSpec);
        if (corrupt != null) second = corrupt(second, secondSpec);
        byte[] third = FrameBuilder.Build(Datagram(b, 2));
        var emitted = new GroRig(udp: true).Run(first, second, third);
        GroRig.Equal(GroRig.Single(first), emitted[0]);
        // The second may open a super-frame of its own with the third (a fixed id from there on): the kernel does too.
        Assert.InRange(emitted.Count, 2, 3);
        if (emitted.Count == 3) GroRig.Equal(GroRig.Single(second), emitted[1]);
    }

    [Theory]
    [MemberData(nameof(V4Cases))]
    public void Ipv4(string mutation) => AssertFirstLeavesAlone(Base, SameFlow[mutation]);

    [Theory]
    [MemberData(nameof(V6Cases))]
    public void Ipv6(string mutation) => AssertFirstLeavesAlone(Base6, SameFlow6[mutation]);

    [Fact]
    public void BadIpv4HeaderChecksum() => AssertFirstLeavesAlone(Base, s => s, (f, _) => { f[14 + 10] ^= 1; return f; });

    [Fact]
    public void EthernetPadding() => AssertFirstLeavesAlone(Base, s => s, (f, _) => [.. f, 0, 0]);

    [Fact]
    public void UdpLengthShorterThanTheIpPacket() =>
        AssertFirstLeavesAlone(Base, s => s, (f, s) =>
        {
            // What the IP header leaves is 108 bytes; a UDP length of 100 means padding inside the IP packet.
            int l4 = s.L2Length + s.IpHeaderLength;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l4 + 4), 100);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l4 + 6), 0);
            ushort sum = InternetChecksum.Finish(InternetChecksum.Add(f.AsSpan(l4), FrameBuilder.PseudoHeader(f, s, f.Length - l4)));
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l4 + 6), sum);
            return f;
        });

    public static IEnumerable<object[]> Breakers() =>
    [
        ["zero checksum v4"], ["zero checksum v6"], ["bad checksum v4"], ["bad checksum v6"],
    ];

    /// <summary>d0 d1 X d3 d4, X a datagram of the same flow that must not merge: d0+d1 leave first, then X untouched
    /// without NEEDS_CSUM (so the kernel checks it), then d3+d4. Nothing is reordered.</summary>
    [Theory]
    [MemberData(nameof(Breakers))]
    public void AnUnmergeableDatagramSplitsTheFlowInOrder(string name)
    {
        var b = name.Contains("v6") ? Base6 : Base;
        var d = Enumerable.Range(0, 5).Select(i => FrameBuilder.Build(Datagram(b, i))).ToArray();
        d[2] = name.StartsWith("zero", StringComparison.Ordinal) ? ZeroChecksum(d[2], b) : Corrupt(d[2]);
        var emitted = new GroRig(udp: true).Run(d);
        Assert.Equal(3, emitted.Count);
        GroRig.Equal(GroRig.Merged(b with { Payload = 200 }, 100), emitted[0]);
        GroRig.Equal(GroRig.Single(d[2]), emitted[1]);
        var tail = b with { Payload = 200, PatternOffset = 300, IpId = b.V6 ? b.IpId : unchecked((ushort)(b.IpId + 3)) };
        GroRig.Equal(GroRig.Merged(tail, 100), emitted[2]);
    }

    /// <summary>A datagram whose true checksum is 0 is sent with 0xFFFF; with 0 instead its sum still verifies, but 0
    /// means "no checksum", and udp_gro_receive_segment never merges that.</summary>
    [Fact]
    public void AZeroChecksumIsNeverMergedEvenWhenTheSumWouldVerify()
    {
        var spec = Datagram(Base, 1);
        byte[] zero = FrameBuilder.Build(spec);
        int l4 = spec.L2Length + spec.IpHeaderLength;
        // Choose the last payload word so that the datagram sums to 0xFFFF without its checksum field.
        BinaryPrimitives.WriteUInt16BigEndian(zero.AsSpan(l4 + 6), 0);
        BinaryPrimitives.WriteUInt16BigEndian(zero.AsSpan(zero.Length - 2), 0);
        ushort partial = InternetChecksum.FoldToUInt16(InternetChecksum.Add(zero.AsSpan(l4), FrameBuilder.PseudoHeader(zero, spec, zero.Length - l4)));
        BinaryPrimitives.WriteUInt16BigEndian(zero.AsSpan(zero.Length - 2), (ushort)(0xFFFF - partial));
        Assert.True(FrameBuilder.L4ChecksumValid(zero, spec));

        byte[] first = FrameBuilder.Build(Datagram(Base, 0));
        byte[] third = FrameBuilder.Build(Datagram(Base, 2));
        var emitted = new GroRig(udp: true).Run(first, zero, third);
        Assert.Equal(3, emitted.Count);
        GroRig.Equal(GroRig.Single(first), emitted[0]);
        GroRig.Equal(GroRig.Single(zero), emitted[1]);
        GroRig.Equal(GroRig.Single(third), emitted[2]);
    }

    [Fact]
    public void ABadFirstDatagramIsPassedOnAloneAndTheNextOpensTheFlow()
    {
        byte[] first = Corrupt(FrameBuilder.Build(Datagram(Base, 0)));
        byte[] second = FrameBuilder.Build(Datagram(Base, 1));
        byte[] third = FrameBuilder.Build(Datagram(Base, 2));
        var emitted = new GroRig(udp: true).Run(first, second, third);
        Assert.Equal(2, emitted.Count);
        GroRig.Equal(GroRig.Single(first), emitted[0]);
        var rest = Base with { Payload = 200, PatternOffset = 100, IpId = unchecked((ushort)(Base.IpId + 1)) };
        GroRig.Equal(GroRig.Merged(rest, 100), emitted[1]);
    }

    public static readonly Dictionary<string, Func<FrameSpec, FrameSpec>> OtherFlows = new()
    {
        ["source port"] = s => s with { SourcePort = 1 },
        ["destination port"] = s => s with { DestinationPort = 53 },
        ["destination address"] = s => s with { DestinationV4 = s.DestinationV4 + 1, DestinationV6 = "2001:2::3" },
        ["source mac"] = s => s with { Source = MacAddress.Parse("02:00:00:00:00:99") },
        ["vlan"] = s => s with { VlanTci = 3 },
        ["flow label"] = s => s with { FlowLabel = 7 },
    };

    public static IEnumerable<object[]> OtherFlowCases()
    {
        foreach (string change in OtherFlows.Keys)
        {
            if (change != "flow label") yield return [change, false];
            yield return [change, true];
        }
    }

    /// <summary>A datagram of another flow between two of one flow: the two still merge, the stranger leaves alone.</summary>
    [Theory]
    [MemberData(nameof(OtherFlowCases))]
    public void AnotherFlowDoesNotBreakTheFirst(string change, bool v6)
    {
        var b = v6 ? Base6 : Base;
        byte[] stranger = FrameBuilder.Build(OtherFlows[change](Datagram(b, 1)));
        var emitted = new GroRig(udp: true).Run(FrameBuilder.Build(Datagram(b, 0)), stranger, FrameBuilder.Build(Datagram(b, 1)));
        Assert.Equal(2, emitted.Count);
        GroRig.Equal(GroRig.Merged(b with { Payload = 200 }, 100), emitted[0]);
        GroRig.Equal(GroRig.Single(stranger), emitted[1]);
    }
}
