using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Overlay.Control;

namespace Overlay.Cli.Parsing;

/// <summary>Strict parsers for the values on overlayctl's command line, each with an error that names the bad value.
/// Values are normalized to the text form overlayd expects (lowercase MACs, canonical addresses).</summary>
internal static class ValueParsers
{
    public static string? ParseMac(ArgumentResult result)
    {
        string? text = SingleToken(result);
        if (text is null)
        {
            return null;
        }

        if (TryParseMac(text, out string? mac))
        {
            return mac;
        }

        result.AddError($"invalid MAC address '{text}': expected six hex byte pairs like aa:bb:cc:dd:ee:ff");
        return null;
    }

    public static string? ParseAddress(ArgumentResult result)
    {
        string? text = SingleToken(result);
        if (text is null)
        {
            return null;
        }

        if (TryParseAddress(text, out string? address))
        {
            return address;
        }

        result.AddError($"invalid IP address '{text}': expected an IPv4 address like 198.18.0.2 or an IPv6 address like 2001:db8::2");
        return null;
    }

    public static uint? ParseVni(ArgumentResult result)
    {
        string? text = SingleToken(result);
        if (text is null)
        {
            return null;
        }

        if (TryParseVni(text, out uint vni))
        {
            return vni;
        }

        result.AddError($"invalid VNI '{text}': expected a number from 0 to {ControlProtocol.MaxVni}");
        return null;
    }

    /// <summary>Accepts exactly aa:bb:cc:dd:ee:ff (either case); returns it in lowercase.</summary>
    public static bool TryParseMac(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? mac)
    {
        mac = null;
        if (text.Length != 17)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            bool ok = i % 3 == 2 ? text[i] == ':' : char.IsAsciiHexDigit(text[i]);
            if (!ok)
            {
                return false;
            }
        }

        mac = text.ToLowerInvariant();
        return true;
    }

    /// <summary>Accepts dotted-quad IPv4 and any IPv6 form; refuses the shorthand IPv4 forms ("10.1", "167772161").</summary>
    public static bool TryParseAddress(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? address)
    {
        address = null;
        if (!IPAddress.TryParse(text, out IPAddress? parsed))
        {
            return false;
        }

        if (parsed.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3)
        {
            return false;
        }

        address = parsed.ToString();
        return true;
    }

    public static bool TryParseVni(string text, out uint vni)
        => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out vni) && vni <= ControlProtocol.MaxVni;

    private static string? SingleToken(ArgumentResult result)
        => result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
}
