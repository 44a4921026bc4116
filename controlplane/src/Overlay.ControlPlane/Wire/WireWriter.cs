using System.Buffers.Binary;
using System.Text;
using Overlay.Packets;

namespace Overlay.ControlPlane.Wire;

/// <summary>Writes big-endian fields into a buffer sized beforehand (<see cref="EndpointCodec"/> computes sizes
/// exactly, so running out of room is a programmer error and throws).</summary>
internal ref struct WireWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public WireWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public void U8(byte value) => _buffer[_position++] = value;

    public void U32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer[_position..], value);
        _position += 8;
    }

    public void Mac(MacAddress mac)
    {
        mac.Write(_buffer.Slice(_position, 6));
        _position += 6;
    }

    /// <summary>A family byte (4 or 6) and the address.</summary>
    public void Address(IpAddr address)
    {
        if (address.IsV4)
        {
            U8(4);
            address.WriteV4(_buffer.Slice(_position, 4));
            _position += 4;
        }
        else
        {
            U8(6);
            address.WriteV6(_buffer.Slice(_position, 16));
            _position += 16;
        }
    }

    /// <summary>A length byte and UTF-8.</summary>
    public void String(string value)
    {
        int length = Encoding.UTF8.GetBytes(value, _buffer[(_position + 1)..]);
        if (length > RecordLimits.MaxStringBytes)
        {
            throw new ArgumentException($"'{value}' is {length} UTF-8 bytes, more than {RecordLimits.MaxStringBytes}", nameof(value));
        }
        _buffer[_position] = (byte)length;
        _position += 1 + length;
    }
}
