using System.Globalization;

namespace Overlay.Cli.Output;

/// <summary>Small helpers shared by the text formatters.</summary>
internal static class TextFormat
{
    public const string None = "-";

    public static string Or(string? value) => string.IsNullOrEmpty(value) ? None : value;

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Seconds(double? seconds)
        => seconds is { } s && double.IsFinite(s) ? Math.Floor(Math.Max(0, s)).ToString("0", CultureInfo.InvariantCulture) : None;

    public static string List(IReadOnlyList<string> values) => values.Count == 0 ? None : string.Join(',', values);

    /// <summary>ADDR:PORT, with an IPv6 address in brackets ([2001:db8::1]:7946).</summary>
    public static string HostPort(string address, int port)
        => (address.Contains(':', StringComparison.Ordinal) ? "[" + address + "]" : address) + ":" + Number(port);
}
