using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests;

/// <summary>The checks several scenarios share; each failure message carries the evidence and the daemons' logs.</summary>
internal static class OverlayAssert
{
    /// <summary>Far below what any working path does here, far above what a path that loses every full-size
    /// segment (bad checksum, MTU black hole) manages.</summary>
    public const double MinimumBitsPerSecond = 1e6;

    public static void PingsBothWays(NetnsRig rig, string nsA, string addressA, string nsB, string addressB)
    {
        var there = PingTwice(rig, nsA, addressB);
        Assert.True(there.AllAnswered, $"ping {nsA} -> {addressB}: {there.Received}/{there.Transmitted} answered\n{there.Output}\n{rig.Describe()}");
        var back = PingTwice(rig, nsB, addressA);
        Assert.True(back.AllAnswered, $"ping {nsB} -> {addressA}: {back.Received}/{back.Transmitted} answered\n{back.Output}\n{rig.Describe()}");
    }

    /// <summary>A round of pings, and a second round only when the first lost one: on a loaded 2-core machine a
    /// single echo can miss ping's wait; two lossy rounds in a row are a real fault.</summary>
    private static PingResult PingTwice(NetnsRig rig, string ns, string address)
    {
        var first = rig.Ping(ns, address);
        return first.AllAnswered ? first : rig.Ping(ns, address);
    }

    /// <summary>An iperf3 TCP test each way (server on the far side each time).</summary>
    public static void TcpFlowsBothWays(NetnsRig rig, string nsA, string addressA, string nsB, string addressB, int seconds = 3)
    {
        Throughput(rig, $"{nsA} -> {nsB}", Iperf3.Run(rig, nsB, addressB, nsA, seconds));
        Throughput(rig, $"{nsB} -> {nsA}", Iperf3.Run(rig, nsA, addressA, nsB, seconds));
    }

    private static void Throughput(NetnsRig rig, string direction, IperfResult result) =>
        Assert.True(result.ReceivedBitsPerSecond >= MinimumBitsPerSecond,
            $"iperf3 TCP {direction}: {result}; expected at least {MinimumBitsPerSecond / 1e6} Mbit/s\n{rig.Describe()}");

    /// <summary>The single entry <paramref name="ctl"/>'s daemon holds for <paramref name="mac"/> on <paramref name="vni"/>.</summary>
    public static FdbRow FdbEntry(Overlayctl ctl, uint vni, string mac)
    {
        var rows = ctl.FdbShow();
        var matching = rows.Where(r => r.Vni == vni && string.Equals(r.Mac, mac, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(matching.Count == 1, $"expected one fdb entry for {mac} on VNI {vni}, found {matching.Count}:\n  {string.Join("\n  ", rows)}");
        return matching[0];
    }
}
