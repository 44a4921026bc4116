using System.Globalization;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay.Tunnel;

/// <summary>
/// The <c>tc</c> argument lists <see cref="TcRedirect"/> runs (without the leading <c>-n NS</c>). Pure, so the
/// exact syntax is unit tested; an integration test checks that the kernel accepts it.
/// <para>Only u32 and mirred are used: they are the classifier and action every kernel with tc has (flower,
/// matchall and gact, i.e. <c>action ok</c>, are often not built). "Continue to the host stack" is therefore a
/// u32 rule with a <c>classid</c> and no action: a terminal u32 match with no actions returns TC_ACT_OK, which
/// ends classification and lets the packet go on up the stack.</para>
/// </summary>
internal static class TcCommands
{
    /// <summary>Underlay ingress: small VXLAN packets to the host stack (evaluated first).</summary>
    public const int ToStackPreference = 49152;

    /// <summary>Underlay ingress: large VXLAN packets to the TAP.</summary>
    public const int RedirectPreference = 49153;

    /// <summary>TAP ingress: everything the daemon writes to the underlay device.</summary>
    public const int TapPreference = 49152;

    /// <summary>The class the to-stack rule reports; only its minor (1) is visible, as skb->tc_index.</summary>
    public const string ToStackClassId = "ffff:1";

    /// <summary>The u16 mask whose bits are all zero exactly when a length is below <paramref name="minLength"/>
    /// (a power of two): 2048 -&gt; 0xf800.</summary>
    public static ushort LengthMask(int minLength) => (ushort)~(minLength - 1);

    public static string[] AddClsact(string device) => ["qdisc", "add", "dev", device, "clsact"];

    public static string[] DeleteClsact(string device) => ["qdisc", "del", "dev", device, "clsact"];

    public static string[] ShowQdiscs(string device) => ["qdisc", "show", "dev", device];

    /// <summary><paramref name="direction"/> is "ingress" or "egress".</summary>
    public static string[] ShowFilters(string device, string direction) => ["filter", "show", "dev", device, direction];

    /// <summary>Deletes every ingress filter with that preference (all of one u32 table).</summary>
    public static string[] DeleteIngressFilter(string device, int preference) =>
        ["filter", "del", "dev", device, "ingress", "pref", Number(preference)];

    /// <summary>
    /// VXLAN to <paramref name="local"/>:<paramref name="port"/> shorter than <paramref name="minLength"/> goes on
    /// to the host stack. IPv4 tests the total length (offset 2). IPv6 tests the payload length (offset 4) against
    /// the same mask, so packets of total length minLength .. minLength+39 also take the stack path: u32 matches
    /// masks only, and "payload below minLength - 40" is not a single mask. They are a few packets just above the
    /// cut; the stack handles them correctly, only without the fast path.
    /// </summary>
    public static string[] ToStack(string underlayDevice, IpAddr local, ushort port, int minLength)
    {
        var args = Match(underlayDevice, ToStackPreference, local, port);
        args.AddRange(["match", "u16", "0", Hex(LengthMask(minLength)), "at", local.IsV4 ? "2" : "4"]);
        args.AddRange(["classid", ToStackClassId]);
        return [.. args];
    }

    /// <summary>
    /// Every other VXLAN packet to <paramref name="local"/>:<paramref name="port"/> goes to the TAP's egress, where
    /// the daemon reads it. IPv4 fragments are left alone (MF clear and offset zero: <c>u16 0 0x3fff at 6</c>);
    /// an IPv6 fragment has next header 44, not 17, so the protocol match already excludes it.
    /// </summary>
    public static string[] Redirect(string underlayDevice, string tapDevice, IpAddr local, ushort port)
    {
        var args = Match(underlayDevice, RedirectPreference, local, port);
        if (local.IsV4) args.AddRange(["match", "u16", "0", "0x3fff", "at", "6"]);
        args.AddRange(["action", "mirred", "egress", "redirect", "dev", tapDevice]);
        return [.. args];
    }

    /// <summary>Everything the daemon writes into the TAP leaves through the underlay device.</summary>
    public static string[] TapToUnderlay(string tapDevice, string underlayDevice) =>
    [
        "filter", "add", "dev", tapDevice, "ingress", "pref", Number(TapPreference), "protocol", "all",
        "u32", "match", "u32", "0", "0", "action", "mirred", "egress", "redirect", "dev", underlayDevice,
    ];

    /// <summary>UDP to local:port. IPv4 also requires a 20-byte header (IHL 5), since u32's <c>ip dport</c> reads
    /// a fixed offset; packets with IP options stay on the stack path.</summary>
    private static List<string> Match(string device, int preference, IpAddr local, ushort port)
    {
        var args = new List<string>(48) { "filter", "add", "dev", device, "ingress", "pref", Number(preference) };
        if (local.IsV4)
        {
            args.AddRange(["protocol", "ip", "u32"]);
            args.AddRange(["match", "u8", "0x05", "0x0f", "at", "0"]);
            args.AddRange(["match", "ip", "protocol", "17", "0xff"]);
            args.AddRange(["match", "ip", "dst", local + "/32"]);
            args.AddRange(["match", "ip", "dport", Number(port), "0xffff"]);
        }
        else
        {
            args.AddRange(["protocol", "ipv6", "u32"]);
            args.AddRange(["match", "ip6", "protocol", "17", "0xff"]);
            args.AddRange(["match", "ip6", "dst", local + "/128"]);
            args.AddRange(["match", "ip6", "dport", Number(port), "0xffff"]);
        }
        return args;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Hex(ushort value) => "0x" + value.ToString("x4", CultureInfo.InvariantCulture);
}
