using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Overlay.Packets;

/// <summary>The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
/// Partial sums are carried as <see cref="ulong"/> one's-complement accumulators and folded once.</summary>
public static class InternetChecksum
{
    /// <summary>Adds the 16-bit big-endian words of <paramref name="data"/> to <paramref name="initial"/>.
    /// An odd trailing byte is padded with zero, as RFC 1071 says.</summary>
    public static ulong Add(ReadOnlySpan<byte> data, ulong initial = 0)
    {
        ulong sum = initial;
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;

        // The lanes are summed in native byte order and swapped once at the end, which is only right on a
        // little-endian host (a JIT-time constant; big-endian hosts take the scalar loops).
        if (BitConverter.IsLittleEndian && Vector.IsHardwareAccelerated && length >= Vector<byte>.Count * 2)
        {
            // Sum 32-bit words widened to 64-bit lanes; no carry is ever lost because each lane gains
            // less than 2^33 per step and a span holds fewer than 2^31 bytes, so it never wraps.
            var acc = Vector<ulong>.Zero;
            int vectorEnd = length - Vector<byte>.Count;
            for (; i <= vectorEnd; i += Vector<byte>.Count)
            {
                var bytes = Vector.LoadUnsafe(ref start, (nuint)i);
                Vector.Widen(bytes.As<byte, uint>(), out Vector<ulong> lo, out Vector<ulong> hi);
                acc += lo + hi;
            }
            ulong wide = 0;
            for (int lane = 0; lane < Vector<ulong>.Count; lane++)
            {
                wide = AddCarry(wide, acc[lane]);
            }
            // One's-complement sums commute with byte swapping (RFC 1071 section 2(B)): fold the
            // little-endian sum to 16 bits, then swap it to big-endian.
            sum = AddCarry(sum, BinaryPrimitives.ReverseEndianness(FoldToUInt16(wide)));
        }

        for (; i + 8 <= length; i += 8)
        {
            sum = AddCarry(sum, BinaryPrimitives.ReadUInt64BigEndian(data.Slice(i)));
        }
        for (; i + 2 <= length; i += 2)
        {
            sum = AddCarry(sum, BinaryPrimitives.ReadUInt16BigEndian(data.Slice(i)));
        }
        if (i < length)
        {
            sum = AddCarry(sum, (ulong)data[i] << 8);
        }
        return sum;
    }

    /// <summary>Folds a one's-complement accumulator to 16 bits (not complemented).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort FoldToUInt16(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The checksum to put in a header: the complement of the folded sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Finish(ulong sum) => (ushort)~FoldToUInt16(sum);

    /// <summary>The checksum of <paramref name="data"/> alone.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(data));

    /// <summary>True when data that includes its own checksum field sums to all ones.</summary>
    public static bool IsValid(ReadOnlySpan<byte> data, ulong initial = 0) => FoldToUInt16(Add(data, initial)) == 0xFFFF;

    /// <summary>The IPv4 pseudo-header sum for TCP/UDP (RFC 768, RFC 793).</summary>
    public static ulong PseudoHeaderV4(uint source, uint destination, byte protocol, int length) =>
        (ulong)source + destination + protocol + (uint)length;

    /// <summary>The IPv6 pseudo-header sum (RFC 8200 section 8.1).</summary>
    public static ulong PseudoHeaderV6(ReadOnlySpan<byte> source16, ReadOnlySpan<byte> destination16, byte nextHeader, int length)
    {
        ulong sum = Add(source16);
        sum = AddCarry(sum, Add(destination16));
        return AddCarry(sum, (ulong)nextHeader + (uint)length);
    }

    /// <summary>RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one 16-bit field changing from m to m'.</summary>
    public static ushort Update(ushort checksum, ushort oldValue, ushort newValue)
    {
        ulong sum = (ushort)~checksum + (ulong)(ushort)~oldValue + newValue;
        return (ushort)~FoldToUInt16(sum);
    }

    /// <summary>RFC 1624 for a 32-bit field (an IPv4 address) changing from <paramref name="oldValue"/> to <paramref name="newValue"/>.</summary>
    public static ushort Update(ushort checksum, uint oldValue, uint newValue)
    {
        ulong sum = (ushort)~checksum
            + (ulong)(ushort)~(oldValue >> 16) + (ushort)~oldValue
            + (newValue >> 16) + (newValue & 0xFFFF);
        return (ushort)~FoldToUInt16(sum);
    }

    /// <summary>64-bit addition with end-around carry; the result folds to the same 16-bit sum as the operands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AddCarry(ulong a, ulong b)
    {
        ulong s = a + b;
        return s + (s < a ? 1UL : 0UL);
    }
}
