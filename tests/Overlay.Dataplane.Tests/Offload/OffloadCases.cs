using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>Named super-frame cases shared by the segmentation and round-trip tests.</summary>
internal static class OffloadCases
{
    private static readonly byte[] Ts = FrameSpec.Timestamps(0x0A0B0C0D, 0x01020304);

    public static readonly Dictionary<string, (FrameSpec Spec, int GsoSize)> All = new()
    {
        ["v4 mss1448 short last"] = (new FrameSpec { Payload = 64_000, TcpOptions = Ts }, 1448),
        ["v4 max size"] = (new FrameSpec { Payload = 65535 - 20 - 32, TcpOptions = Ts }, 1448),
        ["v4 gso 1"] = (new FrameSpec { Payload = 40 }, 1),
        ["v4 gso 1337 exact"] = (new FrameSpec { Payload = 1337 * 7 }, 1337),
        ["v4 gso 1337 short last"] = (new FrameSpec { Payload = 1337 * 7 + 5 }, 1337),
        ["v4 single segment"] = (new FrameSpec { Payload = 1000 }, 1448),
        ["v4 psh fin"] = (new FrameSpec { Payload = 5000, Flags = TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin }, 1448),
        ["v4 cwr ece psh"] = (new FrameSpec { Payload = 5000, Flags = TcpFlags.Ack | TcpFlags.Cwr | TcpFlags.Ece | TcpFlags.Psh }, 1000),
        ["v4 urg"] = (new FrameSpec { Payload = 3000, Flags = TcpFlags.Ack | TcpFlags.Urg | TcpFlags.Psh, UrgentPointer = 77 }, 1000),
        ["v4 vlan ts"] = (new FrameSpec { Payload = 9000, VlanTci = 0x2064, TcpOptions = Ts, Tos = 0xB8 }, 1448),
        ["v4 ip options"] = (new FrameSpec { Payload = 4000, Ipv4Options = [0x94, 4, 0, 0] }, 1448),
        ["v4 no df"] = (new FrameSpec { Payload = 4000, DontFragment = false }, 1448),
        ["v6 mss1428 short last"] = (new FrameSpec { V6 = true, Payload = 60_000, TcpOptions = Ts }, 1428),
        ["v6 gso 1"] = (new FrameSpec { V6 = true, Payload = 33 }, 1),
        ["v6 gso 1337 exact"] = (new FrameSpec { V6 = true, Payload = 1337 * 4 }, 1337),
        ["v6 vlan psh fin"] = (new FrameSpec { V6 = true, VlanTci = 7, Payload = 7000, Flags = TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin, TcpOptions = Ts }, 1400),
        ["udp4 short last"] = (new FrameSpec { Udp = true, Payload = 20_000 }, 1472),
        ["udp4 gso 1"] = (new FrameSpec { Udp = true, Payload = 30 }, 1),
        ["udp4 64 x 64"] = (new FrameSpec { Udp = true, Payload = 64 * 64 }, 64),
        ["udp6 vlan exact"] = (new FrameSpec { Udp = true, V6 = true, VlanTci = 100, Payload = 1452 * 10 }, 1452),
    };

    /// <summary>Cases a GRO round trip must restore (TCP without URG: URG segments are never merged).</summary>
    public static IEnumerable<object[]> Tcp() =>
        All.Where(c => !c.Value.Spec.Udp && (c.Value.Spec.Flags & TcpFlags.Urg) == 0
                       && c.Value.Spec.Ipv4Options.Length == 0 && c.Value.Spec.Payload > c.Value.GsoSize)
           .Select(c => new object[] { c.Key });

    /// <summary>UDP cases a GRO round trip must restore: several datagrams, at most UDP_GRO_CNT_MAX (64) of them.</summary>
    public static IEnumerable<object[]> Udp() =>
        All.Where(c => c.Value.Spec.Udp && c.Value.Spec.Payload > c.Value.GsoSize
                       && (c.Value.Spec.Payload + c.Value.GsoSize - 1) / c.Value.GsoSize <= 64)
           .Select(c => new object[] { c.Key });

    public static IEnumerable<object[]> Names() => All.Keys.Select(k => new object[] { k });
}
