using System.Buffers.Binary;

namespace Overlay.Gossip.Wire;

/// <summary>Walks the parts of a compound message without copying.</summary>
internal ref struct CompoundReader
{
    private readonly ReadOnlySpan<byte> _lengths;
    private ReadOnlySpan<byte> _data;
    private int _next;

    public CompoundReader(ReadOnlySpan<byte> lengths, ReadOnlySpan<byte> data)
    {
        _lengths = lengths;
        _data = data;
        int count = lengths.Length / 2;
        int fit = 0;
        int remaining = data.Length;
        while (fit < count)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(lengths.Slice(2 * fit));
            if (length > remaining)
            {
                break;
            }
            remaining -= length;
            fit++;
        }
        Count = fit;
        Truncated = count - fit;
    }

    /// <summary>Parts that are whole.</summary>
    public int Count { get; }

    /// <summary>Parts announced but cut off (memberlist logs these and handles the others).</summary>
    public int Truncated { get; }

    public bool TryNext(out ReadOnlySpan<byte> part)
    {
        if (_next >= Count)
        {
            part = default;
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(_lengths.Slice(2 * _next));
        part = _data[..length];
        _data = _data[length..];
        _next++;
        return true;
    }
}
