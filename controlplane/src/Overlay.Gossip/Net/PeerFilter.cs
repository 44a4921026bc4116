using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Overlay.Gossip.Net;

/// <summary>memberlist's CIDRsAllowed: the networks peers may come from and members may live in. Empty allows
/// everyone. Every network is kept in IPv6 form (IPv4 as ::ffff:0:0/96 + prefix) so one comparison serves both
/// families. Immutable; safe from any thread.</summary>
internal sealed class PeerFilter
{
    private const int MappedPrefixBits = 96;
    private static readonly UInt128 V4Mapped = (UInt128)0xFFFF << 32;

    private readonly (UInt128 Network, UInt128 Mask)[] _networks;

    public PeerFilter(IReadOnlyList<IPNetwork> networks)
    {
        _networks = new (UInt128, UInt128)[networks.Count];
        for (int i = 0; i < networks.Count; i++)
        {
            IPNetwork n = networks[i];
            UInt128 address = ToUInt128(n.BaseAddress);
            int bits = n.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? MappedPrefixBits + n.PrefixLength : n.PrefixLength;
            UInt128 mask = bits == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - bits);
            _networks[i] = (address & mask, mask);
        }
    }

    public bool AllowsAll => _networks.Length == 0;

    /// <summary>An address as raw bytes: 4 (IPv4) or 16 (IPv6, IPv4-mapped included). Other lengths are refused
    /// unless everyone is allowed.</summary>
    public bool Allows(ReadOnlySpan<byte> address)
    {
        if (_networks.Length == 0)
        {
            return true;
        }
        UInt128 value;
        if (address.Length == 4)
        {
            value = V4Mapped | BinaryPrimitives.ReadUInt32BigEndian(address);
        }
        else if (address.Length == 16)
        {
            value = BinaryPrimitives.ReadUInt128BigEndian(address);
        }
        else
        {
            return false;
        }
        foreach ((UInt128 network, UInt128 mask) in _networks)
        {
            if ((value & mask) == network)
            {
                return true;
            }
        }
        return false;
    }

    private static UInt128 ToUInt128(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes[12..], out _);
            return V4Mapped | BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]);
        }
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
