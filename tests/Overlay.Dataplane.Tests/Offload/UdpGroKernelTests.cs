using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>
/// Ground truth for UDP coalescing from the running kernel (see <see cref="UdpKernelRig"/>): the UDP_L4 super-frames
/// the coalescer builds, written into a real TAP that negotiated USO, reach a UDP socket as the very datagrams that
/// went in, in order; and the datagrams it refuses to merge get the kernel's own verdict.
/// </summary>
public sealed class UdpGroKernelTests : IClassFixture<UdpKernelRig>
{
    private readonly UdpKernelRig _rig;

    public UdpGroKernelTests(UdpKernelRig rig) => _rig = rig;

    public static IEnumerable<object[]> Names() => UdpKernelScenarios.All().Select(s => new object[] { s.Name });

    private UdpKernelScenario Scenario(string name) => _rig.Scenarios.Single(s => s.Name == name);

    [Fact]
    public void TheTapNegotiatedUso() => Assert.Equal("uso", _rig.Negotiation);

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryWriteIsTakenWhole(string name)
    {
        var scenario = Scenario(name);
        var results = _rig.WriteResults[scenario.Port];
        Assert.Equal(scenario.Writes.Select(w => (long)(VirtioNetHeader.Size + w.Frame.Length)), results);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheSocketReceivesExactlyTheExpectedDatagramsInOrder(string name)
    {
        var scenario = Scenario(name);
        var received = _rig.Datagrams[scenario.Port];
        Assert.Equal(scenario.Expected.Length, received.Count);
        for (int i = 0; i < received.Count; i++)
        {
            Assert.Equal(scenario.Expected[i], received[i].Payload);
            Assert.Equal(scenario.V6 ? "2001:2:0:30::1" : "198.18.30.1", received[i].Source);
            Assert.Equal(40000, received[i].SourcePort);
        }
        Assert.DoesNotContain(_rig.Counters[scenario.Port], c => c.Key.Contains("RcvbufErrors", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("iperf3 -l 64", 4, 200)]              // 64 + 64 + 64 + 8: UDP_GRO_CNT_MAX
    [InlineData("full-size, 65535-byte cap", 2, 50)]  // 44 + 6
    [InlineData("v6 with a short last", 1, 31)]
    public void TrainsGoInAsFewUdpL4Writes(string name, int writes, int datagrams)
    {
        var scenario = Scenario(name);
        Assert.Equal(writes, scenario.Writes.Count);
        Assert.All(scenario.Writes, w => Assert.Equal(VirtioNetHeader.GsoUdpL4, w.Header.GsoType));
        Assert.Equal(datagrams, _rig.Datagrams[scenario.Port].Count);
        string udp = scenario.V6 ? "Udp6InDatagrams" : "UdpInDatagrams";
        Assert.Equal(datagrams, _rig.Counters[scenario.Port][udp]);
    }

    /// <summary>The broken datagram goes in alone with gso NONE and no NEEDS_CSUM between two super-frames; the
    /// kernel delivers a zero checksum over IPv4 (no checksum, RFC 768) unchecked, and counts a bad checksum, or a
    /// zero one over IPv6 (RFC 8200 §8.1), as InCsumErrors and drops it.</summary>
    [Theory]
    [InlineData("v4 zero checksum mid-flow", "UdpInCsumErrors", 0)]
    [InlineData("v4 bad checksum mid-flow", "UdpInCsumErrors", 1)]
    [InlineData("v6 zero checksum mid-flow", "Udp6InCsumErrors", 1)]
    [InlineData("v6 bad checksum mid-flow", "Udp6InCsumErrors", 1)]
    public void TheKernelJudgesWhatWasNotMerged(string name, string counter, int errors)
    {
        var scenario = Scenario(name);
        Assert.Equal(3, scenario.Writes.Count);
        Assert.Equal(VirtioNetHeader.None, scenario.Writes[1].Header);
        Assert.Equal(VirtioNetHeader.GsoUdpL4, scenario.Writes[0].Header.GsoType);
        Assert.Equal(VirtioNetHeader.GsoUdpL4, scenario.Writes[2].Header.GsoType);
        Assert.Equal(errors, _rig.Counters[scenario.Port].GetValueOrDefault(counter));
    }

    /// <summary>Why a bad datagram must never be merged: a NEEDS_CSUM super-frame is CHECKSUM_PARTIAL, which the
    /// kernel trusts; it segments it and delivers the corrupted datagram without a complaint.</summary>
    [Fact]
    public void TheKernelDoesNotCheckASuperFramesPayload()
    {
        var scenario = Scenario("a super-frame corrupted after its checksums were dropped");
        Assert.Equal(4, _rig.Datagrams[scenario.Port].Count);
        Assert.Equal(0, _rig.Counters[scenario.Port].GetValueOrDefault("UdpInCsumErrors"));
    }
}
