using System.Buffers.Binary;
using System.Text;

namespace Overlay.Gossip.Wire;

/// <summary>Writes MessagePack exactly as go-msgpack's MsgpackHandle (WriteExt off) does for the
/// kinds memberlist uses: unsigned integers in their smallest form, negative ones in the smallest
/// signed form, strings and byte slices in the raw family (fixstr/str16/str32), nil slices as nil.
/// Writes into a caller's span and never throws: running out of room sets <see cref="Overflowed"/>.</summary>
internal ref struct MsgPackWriter
{
    private readonly Span<byte> _destination;
    private int _position;
    private bool _overflowed;

    public MsgPackWriter(Span<byte> destination)
    {
        _destination = destination;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>True once a write did not fit; what was written after that point is undefined.</summary>
    public readonly bool Overflowed => _overflowed;

    public void WriteByte(byte value)
    {
        if (!Reserve(1, out Span<byte> span))
        {
            return;
        }
        span[0] = value;
    }

    /// <summary>Copies bytes that are not MessagePack (a type byte, user state, a length prefix).</summary>
    public void WriteRawBytes(ReadOnlySpan<byte> bytes)
    {
        if (Reserve(bytes.Length, out Span<byte> span))
        {
            bytes.CopyTo(span);
        }
    }

    public void WriteNil() => WriteByte(MsgPackCode.Nil);

    public void WriteBool(bool value) => WriteByte(value ? MsgPackCode.True : MsgPackCode.False);

    public void WriteMapHeader(int count) => WriteContainerHeader(count, MsgPackCode.FixMapMin, MsgPackCode.Map16, MsgPackCode.Map32);

    public void WriteArrayHeader(int count) => WriteContainerHeader(count, MsgPackCode.FixArrayMin, MsgPackCode.Array16, MsgPackCode.Array32);

    public void WriteUInt(ulong value)
    {
        if (value <= MsgPackCode.PosFixIntMax)
        {
            WriteByte((byte)value);
        }
        else if (value <= byte.MaxValue)
        {
            WriteTwo(MsgPackCode.UInt8, (byte)value);
        }
        else if (value <= ushort.MaxValue)
        {
            if (Reserve(3, out Span<byte> s))
            {
                s[0] = MsgPackCode.UInt16;
                BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)value);
            }
        }
        else if (value <= uint.MaxValue)
        {
            if (Reserve(5, out Span<byte> s))
            {
                s[0] = MsgPackCode.UInt32;
                BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)value);
            }
        }
        else if (Reserve(9, out Span<byte> s))
        {
            s[0] = MsgPackCode.UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(s[1..], value);
        }
    }

    public void WriteInt(long value)
    {
        if (value >= 0)
        {
            WriteUInt((ulong)value);
        }
        else if (value >= -32)
        {
            WriteByte((byte)(sbyte)value);
        }
        else if (value >= sbyte.MinValue)
        {
            WriteTwo(MsgPackCode.Int8, (byte)(sbyte)value);
        }
        else if (value >= short.MinValue)
        {
            if (Reserve(3, out Span<byte> s))
            {
                s[0] = MsgPackCode.Int16;
                BinaryPrimitives.WriteInt16BigEndian(s[1..], (short)value);
            }
        }
        else if (value >= int.MinValue)
        {
            if (Reserve(5, out Span<byte> s))
            {
                s[0] = MsgPackCode.Int32;
                BinaryPrimitives.WriteInt32BigEndian(s[1..], (int)value);
            }
        }
        else if (Reserve(9, out Span<byte> s))
        {
            s[0] = MsgPackCode.Int64;
            BinaryPrimitives.WriteInt64BigEndian(s[1..], value);
        }
    }

    /// <summary>A raw value (string bytes or a byte slice) with go-msgpack's raw-family header.</summary>
    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        WriteRawHeader(value.Length);
        WriteRawBytes(value);
    }

    /// <summary>A Go []byte: nil when <paramref name="value"/> is null, otherwise raw (an empty one too).</summary>
    public void WriteBytesOrNil(byte[]? value)
    {
        if (value is null)
        {
            WriteNil();
        }
        else
        {
            WriteRaw(value);
        }
    }

    /// <summary>A Go string, as UTF-8 in the raw family. Null writes "" (Go has no nil string).</summary>
    public void WriteString(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            WriteByte(MsgPackCode.FixStrMin);
            return;
        }
        int length = Encoding.UTF8.GetByteCount(value);
        WriteRawHeader(length);
        if (Reserve(length, out Span<byte> s))
        {
            Encoding.UTF8.GetBytes(value, s);
        }
    }

    public void WriteRawHeader(int length)
    {
        if (length < MsgPackCode.FixStrLimit)
        {
            WriteByte((byte)(MsgPackCode.FixStrMin | length));
        }
        else if (length <= ushort.MaxValue)
        {
            if (Reserve(3, out Span<byte> s))
            {
                s[0] = MsgPackCode.Str16;
                BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)length);
            }
        }
        else if (Reserve(5, out Span<byte> s))
        {
            s[0] = MsgPackCode.Str32;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)length);
        }
    }

    private void WriteContainerHeader(int count, byte fixMin, byte code16, byte code32)
    {
        if (count < MsgPackCode.FixContainerLimit)
        {
            WriteByte((byte)(fixMin | count));
        }
        else if (count <= ushort.MaxValue)
        {
            if (Reserve(3, out Span<byte> s))
            {
                s[0] = code16;
                BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)count);
            }
        }
        else if (Reserve(5, out Span<byte> s))
        {
            s[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)count);
        }
    }

    private void WriteTwo(byte a, byte b)
    {
        if (Reserve(2, out Span<byte> s))
        {
            s[0] = a;
            s[1] = b;
        }
    }

    private bool Reserve(int count, out Span<byte> span)
    {
        if (_overflowed || _destination.Length - _position < count)
        {
            _overflowed = true;
            span = default;
            return false;
        }
        span = _destination.Slice(_position, count);
        _position += count;
        return true;
    }
}
