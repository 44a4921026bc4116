using System.Buffers.Binary;
using System.Net;

namespace Overlay.Gossip.Transport;

/// <summary>A member's gossip address: an IPv4 or IPv6 address and a port, as a value (IPv4 is kept IPv4-mapped so
/// equality is canonical). Messages carry addresses as raw bytes (<c>Addr</c>/<c>Port</c>); this is the form the core
/// and the transports compare and hash.</summary>
public readonly struct GossipEndPoint : IEquatable<GossipEndPoint>
{
    private const ulong V4MappedPrefix = 0x0000_FFFF_0000_0000UL;

    private readonly ulong _high;
    private readonly ulong _low;

    private GossipEndPoint(ulong high, ulong low, ushort port)
    {
        _high = high;
        _low = low;
        Port = port;
    }

    public ushort Port { get; }

    public bool IsIPv4 => _high == 0 && (_low & 0xFFFF_FFFF_0000_0000UL) == V4MappedPrefix;

    public static GossipEndPoint FromIPv4(uint address, ushort port) => new(0, V4MappedPrefix | address, port);

    /// <summary>From memberlist's raw address bytes: 4 (IPv4) or 16 (IPv6) bytes.</summary>
    public static GossipEndPoint FromBytes(ReadOnlySpan<byte> address, ushort port) => address.Length switch
    {
        4 => FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(address), port),
        16 => new(BinaryPrimitives.ReadUInt64BigEndian(address), BinaryPrimitives.ReadUInt64BigEndian(address[8..]), port),
        _ => throw new ArgumentException($"an address is 4 or 16 bytes, not {address.Length}", nameof(address)),
    };

    public static GossipEndPoint FromIPEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        IPAddress address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        return FromBytes(address.GetAddressBytes(), checked((ushort)endPoint.Port));
    }

    /// <summary>The raw address bytes memberlist sends: 4 for IPv4, 16 for IPv6. Allocates.</summary>
    public byte[] AddressBytes()
    {
        if (IsIPv4)
        {
            var v4 = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)_low);
            return v4;
        }
        var v6 = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(v6, _high);
        BinaryPrimitives.WriteUInt64BigEndian(v6.AsSpan(8), _low);
        return v6;
    }

    public IPEndPoint ToIPEndPoint() => new(new IPAddress(AddressBytes()), Port);

    /// <summary>True when <paramref name="address"/>/<paramref name="port"/> (message form) name this end point.</summary>
    public bool Matches(ReadOnlySpan<byte> address, ushort port) =>
        port == Port && (address.Length == 4 || address.Length == 16) && FromBytes(address, port).Equals(this);

    public bool Equals(GossipEndPoint other) => _high == other._high && _low == other._low && Port == other.Port;

    public override bool Equals(object? obj) => obj is GossipEndPoint other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low, Port);

    public static bool operator ==(GossipEndPoint left, GossipEndPoint right) => left.Equals(right);

    public static bool operator !=(GossipEndPoint left, GossipEndPoint right) => !left.Equals(right);

    public override string ToString() => IsIPv4
        ? $"{(byte)(_low >> 24)}.{(byte)(_low >> 16)}.{(byte)(_low >> 8)}.{(byte)_low}:{Port}"
        : $"[{new IPAddress(AddressBytes())}]:{Port}";
}
