using System.Buffers.Binary;

namespace Overlay.Packets;

/// <summary>A borrowed view over a VXLAN header (RFC 7348) and the inner Ethernet frame after it.
/// TryParse checks only the length: whether the I flag must be set and which reserved bits are tolerated
/// is the receiver's policy (it counts drops by reason), read through <see cref="HasIFlag"/> and
/// <see cref="ReservedBits"/>.</summary>
public readonly ref struct VxlanView
{
    public const int HeaderLength = 8;
    public const int MinLength = HeaderLength;
    /// <summary>The IANA-assigned UDP port.</summary>
    public const ushort DefaultPort = 4789;
    /// <summary>The "VNI valid" flag, bit 3 of the first byte.</summary>
    public const ulong IFlagMask = 0x0800_0000_0000_0000;
    /// <summary>The 24-bit VNI in bytes 4-6.</summary>
    public const ulong VniMask = 0x0000_0000_FFFF_FF00;
    public const uint MaxVni = 0x00FF_FFFF;
    public const byte IFlag = 0x08;

    private const int FlagsOffset = 0;
    private const int VniShift = 8;

    private readonly Span<byte> _bytes;

    private VxlanView(Span<byte> bytes) => _bytes = bytes;

    /// <summary>True when the 8-byte header fits. Never throws.</summary>
    public static bool TryParse(Span<byte> bytes, out VxlanView view)
    {
        if (bytes.Length < HeaderLength)
        {
            view = default;
            return false;
        }
        view = new VxlanView(bytes);
        return true;
    }

    /// <summary>The header and the inner frame.</summary>
    public Span<byte> Bytes => _bytes;

    /// <summary>The 8 header bytes as one big-endian 64-bit value.</summary>
    public ulong Header => BinaryPrimitives.ReadUInt64BigEndian(_bytes);
    public byte Flags => _bytes[FlagsOffset];
    public bool HasIFlag => (Header & IFlagMask) != 0;
    public uint Vni => (uint)((Header & VniMask) >> VniShift);
    /// <summary>The header with the I flag and the VNI masked out: every bit RFC 7348 reserves. Extensions
    /// (GBP, GPE) live here; test <c>(ReservedBits &amp; ~tolerated) != 0</c>.</summary>
    public ulong ReservedBits => Header & ~(IFlagMask | VniMask);
    /// <summary>The inner Ethernet frame.</summary>
    public Span<byte> Payload => _bytes.Slice(HeaderLength);

    /// <summary>Rewrites the VNI in place, leaving the flags and reserved bits alone.</summary>
    public void SetVni(uint vni)
    {
        if (vni > MaxVni) HeaderThrow.FieldOutOfRange(nameof(vni), "the VNI has 24 bits");
        ulong header = (Header & ~VniMask) | ((ulong)vni << VniShift);
        BinaryPrimitives.WriteUInt64BigEndian(_bytes, header);
    }

    /// <summary>Writes flags 0x08, zero reserved bits and <paramref name="vni"/>; returns 8. Throws when the
    /// destination is shorter than 8 bytes or the VNI exceeds 24 bits.</summary>
    public static int Encode(Span<byte> eight, uint vni)
    {
        if (vni > MaxVni) HeaderThrow.FieldOutOfRange(nameof(vni), "the VNI has 24 bits");
        if (eight.Length < HeaderLength) HeaderThrow.DestinationTooSmall(HeaderLength, eight.Length);
        BinaryPrimitives.WriteUInt64BigEndian(eight, IFlagMask | ((ulong)vni << VniShift));
        return HeaderLength;
    }
}
