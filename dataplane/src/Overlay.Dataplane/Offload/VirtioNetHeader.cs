using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Overlay.Dataplane.Offload;

/// <summary>
/// The 10-byte <c>struct virtio_net_hdr</c> that a TAP opened with <c>IFF_VNET_HDR</c> puts in front of every frame
/// it reads and expects in front of every frame written to it. Fields are in the host's byte order (the legacy
/// virtio convention, and the TAP's default). For a TAP, <see cref="ChecksumStart"/> and <see cref="HeaderLength"/>
/// count from the first byte of the Ethernet frame, VLAN tag included.
/// </summary>
public readonly record struct VirtioNetHeader(
    byte Flags,
    byte GsoType,
    ushort HeaderLength,
    ushort GsoSize,
    ushort ChecksumStart,
    ushort ChecksumOffset)
{
    public const int Size = 10;

    /// <summary>The L4 checksum is partial (CHECKSUM_PARTIAL): the field at ChecksumStart + ChecksumOffset holds the
    /// pseudo-header sum, and the one's-complement sum from ChecksumStart to the end must be folded into it.</summary>
    public const byte FlagNeedsChecksum = 1;
    /// <summary>The checksum was verified (CHECKSUM_UNNECESSARY). Set by the kernel on TAP reads; ignored on TAP writes.</summary>
    public const byte FlagDataValid = 2;

    public const byte GsoNone = 0;
    public const byte GsoTcpV4 = 1;
    /// <summary>UFO: one UDP datagram to be IP-fragmented. Not supported here (we never enable TUN_F_UFO).</summary>
    public const byte GsoUdp = 3;
    public const byte GsoTcpV6 = 4;
    /// <summary>USO: a train of UDP datagrams, each <see cref="GsoSize"/> bytes of payload.</summary>
    public const byte GsoUdpL4 = 5;
    /// <summary>Modifier bit: the TCP super-frame carries CWR (SKB_GSO_TCP_ECN).</summary>
    public const byte GsoEcn = 0x80;

    /// <summary>Offset of the checksum field in a TCP header.</summary>
    public const ushort TcpChecksumOffset = 16;
    /// <summary>Offset of the checksum field in a UDP header.</summary>
    public const ushort UdpChecksumOffset = 6;

    /// <summary>A header for a frame that needs nothing from the kernel: no GSO, complete checksums.</summary>
    public static VirtioNetHeader None => default;

    public bool NeedsChecksum => (Flags & FlagNeedsChecksum) != 0;

    /// <summary>The GSO type without the <see cref="GsoEcn"/> modifier.</summary>
    public byte GsoKind => (byte)(GsoType & ~GsoEcn);

    public bool IsGso => GsoKind != GsoNone;

    /// <summary>Reads the header from the first 10 bytes. Throws when the span is shorter (a caller bug: the TAP
    /// always returns the header).</summary>
    public static VirtioNetHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) ThrowTooShort(source.Length);
        return new VirtioNetHeader(
            source[0],
            source[1],
            ReadNative(source, 2),
            ReadNative(source, 4),
            ReadNative(source, 6),
            ReadNative(source, 8));
    }

    /// <summary>Writes the header into the first 10 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size) ThrowTooShort(destination.Length);
        destination[0] = Flags;
        destination[1] = GsoType;
        WriteNative(destination, 2, HeaderLength);
        WriteNative(destination, 4, GsoSize);
        WriteNative(destination, 6, ChecksumStart);
        WriteNative(destination, 8, ChecksumOffset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort ReadNative(ReadOnlySpan<byte> source, int offset) => MemoryMarshal.Read<ushort>(source.Slice(offset, 2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteNative(Span<byte> destination, int offset, ushort value) =>
        MemoryMarshal.Write(destination.Slice(offset, 2), in value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooShort(int length) =>
        throw new ArgumentException($"a virtio_net_hdr needs {Size} bytes, the span has {length}");
}
