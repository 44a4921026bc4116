using System.Globalization;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay.Tunnel;

/// <summary>Parsing the two text formats. Pure and total: odd lines are skipped, never thrown on.</summary>
public static partial class NeighbourTable
{
    /// <summary>ATF_COM in /proc/net/arp's Flags column: the entry has a resolved hardware address.</summary>
    internal const int AtfComplete = 0x2;

    private static readonly char[] Blanks = [' ', '\t', '\r'];

    /// <summary>
    /// /proc/net/arp: a header line, then "IP  HWtype  Flags  HWaddress  Mask  Device" per entry, e.g.
    /// <c>198.18.99.2  0x1  0x2  ae:59:12:5c:9a:37  *  eth0</c>. Keeps IPv4 entries on <paramref name="device"/>
    /// with ATF_COM set and a non-zero 6-byte MAC; the last line wins for a repeated address.
    /// </summary>
    internal static Dictionary<IpAddr, MacAddress> ParseProcArp(string? text, string device)
    {
        var table = new Dictionary<IpAddr, MacAddress>();
        if (text is null) return table;
        foreach (var line in text.Split('\n'))
        {
            var f = line.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 6 || f[5] != device) continue;
            if (!IpAddr.TryParse(f[0], out var ip) || !ip.IsV4) continue;
            if (!TryParseHex(f[2], out int flags) || (flags & AtfComplete) == 0) continue;
            if (!MacAddress.TryParse(f[3], out var mac) || mac.IsZero) continue;
            table[ip] = mac;
        }
        return table;
    }

    /// <summary>
    /// <c>ip neigh show</c> lines: <c>ADDRESS [dev DEV] [lladdr MAC] [router] [proxy] ... STATE...</c>, with "dev"
    /// left out when the command was filtered by device. Keeps entries of the family asked for, on
    /// <paramref name="device"/> (or with no "dev"), with an Ethernet lladdr and one of the states REACHABLE,
    /// STALE, DELAY, PROBE, PERMANENT; the last line wins for a repeated address.
    /// </summary>
    internal static Dictionary<IpAddr, MacAddress> ParseIpNeighbours(string? text, string device, bool ipv6)
    {
        var table = new Dictionary<IpAddr, MacAddress>();
        if (text is null) return table;
        foreach (var line in text.Split('\n'))
        {
            var f = line.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || !IpAddr.TryParse(f[0], out var ip) || ip.IsV6 != ipv6) continue;
            var mac = MacAddress.Zero;
            bool usable = false, elsewhere = false;
            for (int i = 1; i < f.Length; i++)
            {
                switch (f[i])
                {
                    case "dev" when i + 1 < f.Length:
                        elsewhere |= f[++i] != device;
                        break;
                    case "lladdr" when i + 1 < f.Length:
                        if (!MacAddress.TryParse(f[++i], out mac)) mac = MacAddress.Zero;
                        break;
                    case "REACHABLE" or "STALE" or "DELAY" or "PROBE" or "PERMANENT":
                        usable = true;
                        break;
                }
            }
            if (usable && !elsewhere && !mac.IsZero) table[ip] = mac;
        }
        return table;
    }

    private static bool TryParseHex(string text, out int value)
    {
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text.AsSpan(2) : text.AsSpan();
        return int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
