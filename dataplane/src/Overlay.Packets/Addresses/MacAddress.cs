using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Overlay.Packets;

/// <summary>A 48-bit Ethernet address held in the low bits of a <see cref="ulong"/>, network order
/// (the first octet on the wire is bits 47..40).</summary>
public readonly struct MacAddress : IEquatable<MacAddress>, IComparable<MacAddress>
{
    private const ulong Mask = 0xFFFF_FFFF_FFFFUL;

    public MacAddress(ulong value) => Value = value & Mask;

    public ulong Value { get; }

    public static MacAddress Zero => default;
    public static MacAddress Broadcast => new(Mask);

    public bool IsZero => Value == 0;
    public bool IsBroadcast => Value == Mask;
    /// <summary>Group bit (I/G) of the first octet: broadcast and multicast.</summary>
    public bool IsMulticast => (Value & 0x0100_0000_0000UL) != 0;
    /// <summary>A valid source/unicast address: neither zero nor group.</summary>
    public bool IsValidUnicast => Value != 0 && !IsMulticast;

    public static MacAddress Read(ReadOnlySpan<byte> six)
    {
        ulong hi = BinaryPrimitives.ReadUInt16BigEndian(six);
        ulong lo = BinaryPrimitives.ReadUInt32BigEndian(six.Slice(2));
        return new MacAddress((hi << 32) | lo);
    }

    public void Write(Span<byte> six)
    {
        BinaryPrimitives.WriteUInt16BigEndian(six, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(six.Slice(2), (uint)Value);
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out MacAddress mac)
    {
        mac = default;
        if (text is null || text.Length != 17) return false;
        ulong v = 0;
        for (int i = 0; i < 6; i++)
        {
            if (i > 0 && text[i * 3 - 1] is not (':' or '-')) return false;
            if (!byte.TryParse(text.AsSpan(i * 3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b)) return false;
            v = (v << 8) | b;
        }
        mac = new MacAddress(v);
        return true;
    }

    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address (expected aa:bb:cc:dd:ee:ff)");

    public override string ToString()
    {
        Span<byte> b = stackalloc byte[6];
        Write(b);
        return string.Create(CultureInfo.InvariantCulture, $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}");
    }

    public bool Equals(MacAddress other) => Value == other.Value;
    public override bool Equals(object? obj) => obj is MacAddress m && Equals(m);
    public override int GetHashCode() => Value.GetHashCode();
    public int CompareTo(MacAddress other) => Value.CompareTo(other.Value);
    public static bool operator ==(MacAddress a, MacAddress b) => a.Value == b.Value;
    public static bool operator !=(MacAddress a, MacAddress b) => a.Value != b.Value;
}
