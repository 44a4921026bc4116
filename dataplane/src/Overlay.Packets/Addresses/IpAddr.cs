using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Overlay.Packets;

/// <summary>An IPv4 or IPv6 address as a value type, for the packet path (no <see cref="IPAddress"/>).
/// IPv4 is held as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) so both families compare alike.</summary>
public readonly struct IpAddr : IEquatable<IpAddr>
{
    private const ulong MappedPrefix = 0x0000_FFFF_0000_0000UL;

    private readonly ulong _hi;
    private readonly ulong _lo;

    private IpAddr(ulong hi, ulong lo)
    {
        _hi = hi;
        _lo = lo;
    }

    public static IpAddr None => default;

    public bool IsNone => _hi == 0 && _lo == 0;
    public bool IsV4 => _hi == 0 && (_lo & 0xFFFF_FFFF_0000_0000UL) == MappedPrefix;
    public bool IsV6 => !IsV4 && !IsNone;

    /// <summary>The IPv4 address in host order; only meaningful when <see cref="IsV4"/>.</summary>
    public uint V4 => (uint)_lo;

    public static IpAddr FromV4(uint hostOrder) => new(0, MappedPrefix | hostOrder);

    public static IpAddr ReadV4(ReadOnlySpan<byte> four) => FromV4(BinaryPrimitives.ReadUInt32BigEndian(four));

    public static IpAddr ReadV6(ReadOnlySpan<byte> sixteen) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(sixteen), BinaryPrimitives.ReadUInt64BigEndian(sixteen.Slice(8)));

    public void WriteV4(Span<byte> four) => BinaryPrimitives.WriteUInt32BigEndian(four, V4);

    public void WriteV6(Span<byte> sixteen)
    {
        BinaryPrimitives.WriteUInt64BigEndian(sixteen, _hi);
        BinaryPrimitives.WriteUInt64BigEndian(sixteen.Slice(8), _lo);
    }

    public static IpAddr FromIPAddress(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(b, out _);
            return ReadV4(b);
        }
        if (address.IsIPv4MappedToIPv6) return FromIPAddress(address.MapToIPv4());
        address.TryWriteBytes(b, out _);
        return ReadV6(b);
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> b = stackalloc byte[16];
        if (IsV4)
        {
            WriteV4(b);
            return new IPAddress(b[..4]);
        }
        WriteV6(b);
        return new IPAddress(b);
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out IpAddr address)
    {
        address = default;
        if (text is null || !IPAddress.TryParse(text, out var ip)) return false;
        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.ScopeId != 0) return false;
        address = FromIPAddress(ip);
        return true;
    }

    public static IpAddr Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"'{text}' is not an IP address");

    public override string ToString() => IsNone ? "none" : ToIPAddress().ToString();

    public bool Equals(IpAddr other) => _hi == other._hi && _lo == other._lo;
    public override bool Equals(object? obj) => obj is IpAddr a && Equals(a);
    public override int GetHashCode() => HashCode.Combine(_hi, _lo);
    public static bool operator ==(IpAddr a, IpAddr b) => a.Equals(b);
    public static bool operator !=(IpAddr a, IpAddr b) => !a.Equals(b);
}
