using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>UDP coalescing: consecutive datagrams of one flow become one UDP_L4 super-frame, byte for byte what
/// <see cref="FrameBuilder"/> writes for the whole train in the CHECKSUM_PARTIAL convention.</summary>
public sealed class GroUdpTests
{
    private static readonly FrameSpec Base = new() { Udp = true, Payload = 100 };

    /// <summary>Datagrams <paramref name="first"/> .. first + count - 1 of a train of <paramref name="gso"/>-byte
    /// datagrams, as the one spec whose payload is theirs back to back.</summary>
    private static FrameSpec Part(FrameSpec train, int gso, int first, int count) => train with
    {
        Payload = Math.Min(count * gso, train.Payload - first * gso),
        PatternOffset = train.PatternOffset + first * gso,
        IpId = train.V6 ? train.IpId : unchecked((ushort)(train.IpId + first)),
    };

    public static readonly Dictionary<string, (FrameSpec Train, int Gso)> Trains = new()
    {
        ["v4 10 x 100"] = (Base with { Payload = 1000 }, 100),
        ["v4 64 x 64 (iperf3 -l 64)"] = (Base with { Payload = 64 * 64 }, 64),
        ["v4 7 x 1000 short last"] = (Base with { Payload = 7005 }, 1000),
        ["v4 vlan tos no df"] = (Base with { Payload = 3 * 1400, VlanTci = 0x0123, Tos = 0xB8, DontFragment = false }, 1400),
        ["v4 gso 1"] = (Base with { Payload = 30 }, 1),
        ["v6 10 x 100"] = (Base with { V6 = true, Payload = 1000 }, 100),
        ["v6 vlan 1452 short last"] = (Base with { V6 = true, VlanTci = 9, Payload = 5 * 1452 + 77, Tos = 0x28 }, 1452),
    };

    public static IEnumerable<object[]> TrainNames() => Trains.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(TrainNames))]
    public void EqualDatagramsBecomeOneUdpL4SuperFrame(string name)
    {
        var (train, gso) = Trains[name];
        var rig = new GroRig(udp: true);
        var datagrams = GroRig.Segments(train, gso);
        for (int i = 0; i < datagrams.Length; i++)
        {
            var expected = i == 0 ? GroAddResult.Held : GroAddResult.Merged;
            Assert.Equal(expected, rig.Add(datagrams[i]));
        }
        Assert.True(rig.Gro.Flush());
        var emitted = Assert.Single(rig.Drain());
        GroRig.Equal(GroRig.Merged(train, gso), emitted);
        Assert.Equal(new VirtioNetHeader(VirtioNetHeader.FlagNeedsChecksum, VirtioNetHeader.GsoUdpL4, (ushort)train.HeaderLength,
            (ushort)gso, (ushort)(train.L2Length + train.IpHeaderLength), 6), emitted.Header);
        Assert.Equal(0, rig.Pool.Outstanding);
    }

    [Fact]
    public void ASuperFrameEndsAtTheSixtyFourthDatagram()
    {
        var train = Base with { Payload = 200 * 64 };
        var rig = new GroRig(udp: true);
        var datagrams = GroRig.Segments(train, 64);
        for (int i = 0; i < 64; i++) rig.Add(datagrams[i]);
        Assert.Equal(0, rig.Gro.OpenFlows); // the 64th closed it at once
        Assert.Equal(1, rig.Gro.Output.Count);
        var emitted = rig.Drain().Concat(rig.Run(datagrams[64..])).ToList();

        Assert.Equal(4, emitted.Count);
        for (int k = 0; k < 4; k++) GroRig.Equal(GroRig.Merged(Part(train, 64, 64 * k, 64), 64), emitted[k]);
        Assert.Equal(Base.HeaderLength + 8 * 64, emitted[3].Bytes.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheIpLengthStaysWithin65535(bool v6)
    {
        // 44 datagrams of 1472: 20 (or 40) + 8 + 64768 bytes of IP; a 45th would pass 65535.
        var train = Base with { V6 = v6, Payload = 50 * 1472 };
        var emitted = new GroRig(udp: true).Run(GroRig.Segments(train, 1472));
        Assert.Equal(2, emitted.Count);
        GroRig.Equal(GroRig.Merged(Part(train, 1472, 0, 44), 1472), emitted[0]);
        GroRig.Equal(GroRig.Merged(Part(train, 1472, 44, 6), 1472), emitted[1]);
    }

    [Fact]
    public void AShortDatagramIsTheLastOne()
    {
        // 100, 100, 40 | 100, 100: the short one closes the first super-frame, the next starts a new one.
        var a = Base with { Payload = 240 };
        var b = Base with { Payload = 200, PatternOffset = 240, IpId = unchecked((ushort)(Base.IpId + 3)) };
        var datagrams = GroRig.Segments(a, 100).Concat(GroRig.Segments(b, 100)).ToArray();
        var rig = new GroRig(udp: true);
        Assert.Equal(GroAddResult.Held, rig.Add(datagrams[0]));
        Assert.Equal(GroAddResult.Merged, rig.Add(datagrams[1]));
        Assert.Equal(GroAddResult.Merged, rig.Add(datagrams[2]));
        Assert.Equal(0, rig.Gro.OpenFlows);
        Assert.Equal(GroAddResult.Held, rig.Add(datagrams[3]));
        Assert.Equal(GroAddResult.Merged, rig.Add(datagrams[4]));
        Assert.True(rig.Gro.Flush());
        var emitted = rig.Drain();
        Assert.Equal(2, emitted.Count);
        GroRig.Equal(GroRig.Merged(a, 100), emitted[0]);
        GroRig.Equal(GroRig.Merged(b, 100), emitted[1]);
    }

    [Fact]
    public void ALargerDatagramStartsANewSuperFrame()
    {
        var a = Base with { Payload = 200 };
        var b = Base with { Payload = 300, PatternOffset = 200, IpId = unchecked((ushort)(Base.IpId + 2)) };
        var emitted = new GroRig(udp: true).Run([.. GroRig.Segments(a, 100), .. GroRig.Segments(b, 150)]);
        Assert.Equal(2, emitted.Count);
        GroRig.Equal(GroRig.Merged(a, 100), emitted[0]);
        GroRig.Equal(GroRig.Merged(b, 150), emitted[1]);
    }

    [Fact]
    public void ALoneDatagramLeavesUntouched()
    {
        byte[] datagram = FrameBuilder.Build(Base);
        var rig = new GroRig(udp: true);
        Assert.Equal(GroAddResult.Held, rig.Add(datagram));
        Assert.True(rig.Gro.Flush());
        GroRig.Equal(GroRig.Single(datagram), Assert.Single(rig.Drain()));
    }

    [Fact]
    public void InterleavedUdpAndTcpFlowsEachCoalesce()
    {
        var udp = Base with { Payload = 300 };
        var udp6 = Base with { V6 = true, Payload = 300, SourcePort = 1234 };
        var tcp = new FrameSpec { Payload = 3000 };
        var u = GroRig.Segments(udp, 100);
        var u6 = GroRig.Segments(udp6, 100);
        var t = GroRig.Segments(tcp, 1000);
        var emitted = new GroRig(udp: true).Run(u[0], t[0], u6[0], u[1], t[1], u6[1], u[2], t[2], u6[2]);
        Assert.Equal(3, emitted.Count);
        GroRig.Equal(GroRig.Merged(udp, 100), emitted[0]);
        GroRig.Equal(GroRig.Merged(tcp, 1000), emitted[1]);
        GroRig.Equal(GroRig.Merged(udp6, 100), emitted[2]);
    }

    [Fact]
    public void TcpAndUdpOnTheSameAddressesAndPortsAreDifferentFlows()
    {
        var udp = GroRig.Segments(Base with { Payload = 200 }, 100);
        var tcp = GroRig.Segments(new FrameSpec { Payload = 2000 }, 1000);
        var emitted = new GroRig(udp: true).Run(udp[0], tcp[0], udp[1], tcp[1]);
        Assert.Equal(2, emitted.Count);
        Assert.Equal(VirtioNetHeader.GsoUdpL4, emitted[0].Header.GsoType);
        Assert.Equal(VirtioNetHeader.GsoTcpV4, emitted[1].Header.GsoType);
    }

    [Fact]
    public void WithoutTheFlagUdpPassesThrough()
    {
        var datagrams = GroRig.Segments(Base with { Payload = 300 }, 100);
        var rig = new GroRig();
        Assert.False(rig.Gro.CoalescesUdp);
        var emitted = rig.Run(datagrams);
        Assert.Equal(3, emitted.Count);
        for (int i = 0; i < 3; i++) GroRig.Equal(GroRig.Single(datagrams[i]), emitted[i]);
    }
}
