using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
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

    public static string? ParseKey(ArgumentResult result)
    {
        string? text = SingleToken(result);
        if (text is null)
        {
            return null;
        }

        if (TryParseKey(text, out string? key, out int length))
        {
            return key;
        }

        result.AddError(length < 0
            ? $"invalid key '{text}': not base64; expected the base64 of a 16, 24 or 32 byte AES key"
            : $"invalid key '{text}': {length} bytes; expected the base64 of a 16, 24 or 32 byte AES key");
        return null;
    }

    /// <summary>Accepts the base64 of 16, 24 or 32 bytes; returns it in canonical base64. <paramref name="length"/> is
    /// the decoded length, or -1 when the text is not base64.</summary>
    public static bool TryParseKey(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? key, out int length)
    {
        key = null;
        if (!System.Buffers.Text.Base64.IsValid(text, out length))
        {
            length = -1;
            return false;
        }

        if (length is not (16 or 24 or 32))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[32];
        bool decoded = Convert.TryFromBase64String(text, bytes, out length);
        if (decoded)
        {
            key = Convert.ToBase64String(bytes[..length]);
        }

        CryptographicOperations.ZeroMemory(bytes);
        length = decoded ? length : -1;
        return decoded;
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
