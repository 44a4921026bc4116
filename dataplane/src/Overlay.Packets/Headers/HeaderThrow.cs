using System.Diagnostics.CodeAnalysis;

namespace Overlay.Packets;

/// <summary>Out-of-line throw helpers for the Encode methods. Encoding into a buffer that is too small,
/// or with fields that cannot be represented, is a programmer error; parsing never throws.</summary>
internal static class HeaderThrow
{
    [DoesNotReturn]
    public static void DestinationTooSmall(int needed, int actual) =>
        throw new ArgumentException($"The destination needs at least {needed} bytes but has {actual}.", "destination");

    [DoesNotReturn]
    public static void FieldOutOfRange(string field, string rule) =>
        throw new ArgumentOutOfRangeException(field, rule);
}
