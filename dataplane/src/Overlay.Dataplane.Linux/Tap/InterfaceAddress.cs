using System.Globalization;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tap;

/// <summary>An address to put on an interface, with its prefix length (198.18.1.1/24, 2001:2::1/64).</summary>
public readonly record struct InterfaceAddress(IpAddr Address, int PrefixLength)
{
    public bool IsValid => !Address.IsNone && PrefixLength >= 0 && PrefixLength <= (Address.IsV4 ? 32 : 128);

    /// <summary>Parses "address/prefix".</summary>
    public static InterfaceAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int slash = text.IndexOf('/');
        if (slash > 0
            && IpAddr.TryParse(text[..slash], out var address)
            && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int prefix))
        {
            var result = new InterfaceAddress(address, prefix);
            if (result.IsValid) return result;
        }
        throw new FormatException($"'{text}' is not an address with a prefix length (198.18.1.1/24, 2001:2::1/64)");
    }

    public override string ToString() => Address.ToString() + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);
}
