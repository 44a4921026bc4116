using System.Buffers.Binary;

namespace Overlay.ControlPlane.Wire;

/// <summary>Reads big-endian fields, each read checked against the bytes left; never throws.</summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public bool U8(out byte value)
    {
        if (Remaining < 1)
        {
            value = 0;
            return false;
        }
        value = _data[_position++];
        return true;
    }

    public bool U32(out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt32BigEndian(_data[_position..]);
        _position += 4;
        return true;
    }

    public bool U64(out ulong value)
    {
        if (Remaining < 8)
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt64BigEndian(_data[_position..]);
        _position += 8;
        return true;
    }

    public bool Bytes(int count, out ReadOnlySpan<byte> bytes)
    {
        if (count < 0 || Remaining < count)
        {
            bytes = default;
            return false;
        }
        bytes = _data.Slice(_position, count);
        _position += count;
        return true;
    }
}
