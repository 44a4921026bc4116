using System.Buffers.Binary;

namespace Overlay.Gossip.Wire;

/// <summary>Reads the MessagePack that memberlist peers send. Accepts everything go-msgpack's
/// decoder accepts for memberlist's field kinds (any integer width that fits, str and bin for
/// strings and byte slices, nil for a slice or string); refuses the rest with a
/// <see cref="WireError"/>. Never throws, never allocates.</summary>
internal ref struct MsgPackReader
{
    /// <summary>How deep <see cref="TrySkip"/> follows nested containers of an unknown field.</summary>
    public const int MaxSkipDepth = 16;

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public MsgPackReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>The bytes after the current position (e.g. user state after the push/pull states).</summary>
    public readonly ReadOnlySpan<byte> Rest => _buffer[_position..];

    public void Advance(int count) => _position += count;

    /// <summary>Reads a map or array header: memberlist structs are maps; go-msgpack also decodes a
    /// struct from an array (fields in declaration order).</summary>
    public WireError TryReadContainerHeader(out int count, out bool isArray)
    {
        count = 0;
        isArray = false;
        if (!TryTake(out byte code))
        {
            return WireError.Truncated;
        }
        switch (code)
        {
            case >= MsgPackCode.FixMapMin and <= MsgPackCode.FixMapMax:
                count = code & 0x0f;
                return WireError.None;
            case >= MsgPackCode.FixArrayMin and <= MsgPackCode.FixArrayMax:
                count = code & 0x0f;
                isArray = true;
                return WireError.None;
            case MsgPackCode.Map16:
            case MsgPackCode.Array16:
                isArray = code == MsgPackCode.Array16;
                return TryReadLength(2, out count);
            case MsgPackCode.Map32:
            case MsgPackCode.Array32:
                isArray = code == MsgPackCode.Array32;
                return TryReadLength(4, out count);
            default:
                return WireError.BadMsgPack;
        }
    }

    public WireError TryReadBool(out bool value)
    {
        value = false;
        if (!TryTake(out byte code))
        {
            return WireError.Truncated;
        }
        switch (code)
        {
            case MsgPackCode.True:
                value = true;
                return WireError.None;
            case MsgPackCode.False:
                return WireError.None;
            default:
                return WireError.BadMsgPack;
        }
    }

    /// <summary>Any integer encoding whose value is in [0, <paramref name="max"/>].</summary>
    public WireError TryReadUInt(ulong max, out ulong value)
    {
        WireError error = TryReadInteger(out ulong magnitude, out bool negative);
        value = 0;
        if (error != WireError.None)
        {
            return error;
        }
        if (negative || magnitude > max)
        {
            return WireError.BadMsgPack;
        }
        value = magnitude;
        return WireError.None;
    }

    /// <summary>Any integer encoding whose value fits a Go int (64-bit).</summary>
    public WireError TryReadInt64(out long value)
    {
        WireError error = TryReadInteger(out ulong magnitude, out bool negative);
        value = 0;
        if (error != WireError.None)
        {
            return error;
        }
        if (negative)
        {
            value = (long)magnitude; // already sign-extended two's complement
            return WireError.None;
        }
        if (magnitude > long.MaxValue)
        {
            return WireError.BadMsgPack;
        }
        value = (long)magnitude;
        return WireError.None;
    }

    /// <summary>A string or byte slice: any str or bin encoding, or nil (<paramref name="isNil"/>).</summary>
    public WireError TryReadRaw(out ReadOnlySpan<byte> value, out bool isNil)
    {
        value = default;
        isNil = false;
        if (!TryTake(out byte code))
        {
            return WireError.Truncated;
        }
        int length;
        WireError error = WireError.None;
        switch (code)
        {
            case >= MsgPackCode.FixStrMin and <= MsgPackCode.FixStrMax:
                length = code & 0x1f;
                break;
            case MsgPackCode.Nil:
                isNil = true;
                return WireError.None;
            case MsgPackCode.Str8:
            case MsgPackCode.Bin8:
                error = TryReadLength(1, out length);
                break;
            case MsgPackCode.Str16:
            case MsgPackCode.Bin16:
                error = TryReadLength(2, out length);
                break;
            case MsgPackCode.Str32:
            case MsgPackCode.Bin32:
                error = TryReadLength(4, out length);
                break;
            default:
                return WireError.BadMsgPack;
        }
        if (error != WireError.None)
        {
            return error;
        }
        if (Remaining < length)
        {
            return WireError.Truncated;
        }
        value = _buffer.Slice(_position, length);
        _position += length;
        return WireError.None;
    }

    /// <summary>True (and consumes it) when the next value is nil.</summary>
    public bool TryReadNil()
    {
        if (_position < _buffer.Length && _buffer[_position] == MsgPackCode.Nil)
        {
            _position++;
            return true;
        }
        return false;
    }

    public readonly bool TryPeek(out byte code)
    {
        if (_position < _buffer.Length)
        {
            code = _buffer[_position];
            return true;
        }
        code = 0;
        return false;
    }

    /// <summary>Skips one value of any kind (an unknown struct field), following at most
    /// <see cref="MaxSkipDepth"/> levels of containers.</summary>
    public WireError TrySkip() => TrySkip(MaxSkipDepth);

    private WireError TrySkip(int depthLeft)
    {
        if (!TryPeek(out byte code))
        {
            return WireError.Truncated;
        }
        switch (code)
        {
            case <= MsgPackCode.PosFixIntMax:
            case >= MsgPackCode.NegFixIntMin:
            case MsgPackCode.Nil:
            case MsgPackCode.True:
            case MsgPackCode.False:
                _position++;
                return WireError.None;
            case MsgPackCode.UInt8:
            case MsgPackCode.Int8:
                return Skip(2);
            case MsgPackCode.UInt16:
            case MsgPackCode.Int16:
                return Skip(3);
            case MsgPackCode.UInt32:
            case MsgPackCode.Int32:
            case MsgPackCode.Float32:
                return Skip(5);
            case MsgPackCode.UInt64:
            case MsgPackCode.Int64:
            case MsgPackCode.Float64:
                return Skip(9);
            case >= MsgPackCode.FixExt1 and <= MsgPackCode.FixExt16:
                return Skip(2 + (1 << (code - MsgPackCode.FixExt1)));
            case MsgPackCode.Ext8:
            case MsgPackCode.Ext16:
            case MsgPackCode.Ext32:
            {
                _position++;
                int width = code == MsgPackCode.Ext8 ? 1 : code == MsgPackCode.Ext16 ? 2 : 4;
                WireError e = TryReadLength(width, out int length);
                return e != WireError.None ? e : Skip(1 + length);
            }
            case >= MsgPackCode.FixStrMin and <= MsgPackCode.FixStrMax:
            case MsgPackCode.Str8 or MsgPackCode.Str16 or MsgPackCode.Str32:
            case MsgPackCode.Bin8 or MsgPackCode.Bin16 or MsgPackCode.Bin32:
                return TryReadRaw(out _, out _);
            case >= MsgPackCode.FixMapMin and <= MsgPackCode.FixMapMax:
            case >= MsgPackCode.FixArrayMin and <= MsgPackCode.FixArrayMax:
            case MsgPackCode.Map16 or MsgPackCode.Map32 or MsgPackCode.Array16 or MsgPackCode.Array32:
            {
                if (depthLeft == 0)
                {
                    return WireError.NestingTooDeep;
                }
                WireError e = TryReadContainerHeader(out int count, out bool isArray);
                if (e != WireError.None)
                {
                    return e;
                }
                long items = isArray ? count : 2L * count;
                if (items > Remaining)
                {
                    return WireError.Truncated; // every item takes at least one byte
                }
                for (long i = 0; i < items; i++)
                {
                    e = TrySkip(depthLeft - 1);
                    if (e != WireError.None)
                    {
                        return e;
                    }
                }
                return WireError.None;
            }
            default:
                return WireError.BadMsgPack; // 0xc1
        }
    }

    private WireError TryReadInteger(out ulong magnitude, out bool negative)
    {
        magnitude = 0;
        negative = false;
        if (!TryTake(out byte code))
        {
            return WireError.Truncated;
        }
        if (code <= MsgPackCode.PosFixIntMax)
        {
            magnitude = code;
            return WireError.None;
        }
        if (code >= MsgPackCode.NegFixIntMin)
        {
            magnitude = (ulong)(long)(sbyte)code;
            negative = true;
            return WireError.None;
        }
        int width;
        bool signed;
        switch (code)
        {
            case MsgPackCode.UInt8: width = 1; signed = false; break;
            case MsgPackCode.UInt16: width = 2; signed = false; break;
            case MsgPackCode.UInt32: width = 4; signed = false; break;
            case MsgPackCode.UInt64: width = 8; signed = false; break;
            case MsgPackCode.Int8: width = 1; signed = true; break;
            case MsgPackCode.Int16: width = 2; signed = true; break;
            case MsgPackCode.Int32: width = 4; signed = true; break;
            case MsgPackCode.Int64: width = 8; signed = true; break;
            default: return WireError.BadMsgPack;
        }
        if (Remaining < width)
        {
            return WireError.Truncated;
        }
        ReadOnlySpan<byte> s = _buffer.Slice(_position, width);
        _position += width;
        if (!signed)
        {
            magnitude = width switch
            {
                1 => s[0],
                2 => BinaryPrimitives.ReadUInt16BigEndian(s),
                4 => BinaryPrimitives.ReadUInt32BigEndian(s),
                _ => BinaryPrimitives.ReadUInt64BigEndian(s),
            };
            return WireError.None;
        }
        long v = width switch
        {
            1 => (sbyte)s[0],
            2 => BinaryPrimitives.ReadInt16BigEndian(s),
            4 => BinaryPrimitives.ReadInt32BigEndian(s),
            _ => BinaryPrimitives.ReadInt64BigEndian(s),
        };
        negative = v < 0;
        magnitude = (ulong)v;
        return WireError.None;
    }

    private WireError TryReadLength(int width, out int length)
    {
        length = 0;
        if (Remaining < width)
        {
            return WireError.Truncated;
        }
        ReadOnlySpan<byte> s = _buffer.Slice(_position, width);
        _position += width;
        uint value = width switch
        {
            1 => s[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(s),
            _ => BinaryPrimitives.ReadUInt32BigEndian(s),
        };
        if (value > int.MaxValue)
        {
            return WireError.TooLarge;
        }
        length = (int)value;
        return WireError.None;
    }

    private WireError Skip(int count)
    {
        if (Remaining < count)
        {
            return WireError.Truncated;
        }
        _position += count;
        return WireError.None;
    }

    private bool TryTake(out byte code)
    {
        if (_position < _buffer.Length)
        {
            code = _buffer[_position++];
            return true;
        }
        code = 0;
        return false;
    }
}
