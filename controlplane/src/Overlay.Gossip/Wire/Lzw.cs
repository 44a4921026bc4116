namespace Overlay.Gossip.Wire;

/// <summary>LZW as Go's compress/lzw does it with memberlist's settings (LSB bit order, 8-bit
/// literals): codes start 9 bits wide, 256 is clear, 257 is end, the width grows to at most 12
/// bits, and the writer emits a clear code when its table reaches 4095. The decoder accepts what
/// Go's reader accepts; the encoder produces Go's writer's bytes exactly.</summary>
internal static class Lzw
{
    private const int LiteralWidth = 8;
    private const int ClearCode = 1 << LiteralWidth;    // 256
    private const int EndCode = ClearCode + 1;          // 257
    private const int MaxWidth = 12;
    private const int TableLimit = 1 << MaxWidth;       // 4096 codes
    private const int WriterMaxCode = TableLimit - 1;   // the writer resets when hi reaches this
    private const ushort NoCode = 0xFFFF;
    private const int HashSize = 4 * TableLimit;
    private const int HashMask = HashSize - 1;

    /// <summary>Decompresses <paramref name="input"/>. Fails with <see cref="WireError.TooLarge"/> past
    /// <paramref name="maxOutput"/> bytes and <see cref="WireError.BadCompression"/> on an invalid code
    /// or a stream that ends without the end code.</summary>
    public static WireError TryDecompress(ReadOnlySpan<byte> input, int maxOutput, out byte[] output)
    {
        output = [];
        var suffix = new byte[TableLimit];
        var prefix = new ushort[TableLimit];
        Span<byte> scratch = stackalloc byte[TableLimit];
        var result = new GrowableBuffer(Math.Min(maxOutput, Math.Max(64, input.Length * 4)));

        int width = LiteralWidth + 1;
        int hi = EndCode;
        int overflow = 1 << width;
        int last = NoCode;
        uint bits = 0;
        int nBits = 0;
        int position = 0;

        while (true)
        {
            while (nBits < width)
            {
                if (position >= input.Length)
                {
                    return WireError.BadCompression; // Go: io.ErrUnexpectedEOF
                }
                bits |= (uint)input[position++] << nBits;
                nBits += 8;
            }
            int code = (int)(bits & ((1u << width) - 1));
            bits >>= width;
            nBits -= width;

            if (code < ClearCode)
            {
                if (!result.TryAppend((byte)code, maxOutput))
                {
                    return WireError.TooLarge;
                }
                if (last != NoCode)
                {
                    suffix[hi] = (byte)code;
                    prefix[hi] = (ushort)last;
                }
            }
            else if (code == ClearCode)
            {
                width = LiteralWidth + 1;
                hi = EndCode;
                overflow = 1 << width;
                last = NoCode;
                continue;
            }
            else if (code == EndCode)
            {
                output = result.ToArray();
                return WireError.None;
            }
            else if (code <= hi)
            {
                // Expand backwards into scratch: the string for code, or for the KwKwK case
                // (code not yet in the table) the string for last plus its own first byte.
                int i = scratch.Length;
                int c = code;
                if (code == hi && last != NoCode)
                {
                    int root = last;
                    for (int guard = 0; root >= ClearCode; guard++)
                    {
                        if (guard >= TableLimit)
                        {
                            return WireError.BadCompression;
                        }
                        root = prefix[root];
                    }
                    scratch[--i] = (byte)root;
                    c = last;
                }
                while (c >= ClearCode)
                {
                    if (i <= 1)
                    {
                        return WireError.BadCompression; // a cycle: only hostile input gets here
                    }
                    scratch[--i] = suffix[c];
                    c = prefix[c];
                }
                scratch[--i] = (byte)c;
                if (!result.TryAppend(scratch[i..], maxOutput))
                {
                    return WireError.TooLarge;
                }
                if (last != NoCode)
                {
                    suffix[hi] = (byte)c;
                    prefix[hi] = (ushort)last;
                }
            }
            else
            {
                return WireError.BadCompression; // "lzw: invalid code"
            }

            last = code;
            hi++;
            if (hi >= overflow)
            {
                if (width == MaxWidth)
                {
                    last = NoCode;
                    hi--;
                }
                else
                {
                    width++;
                    overflow <<= 1;
                }
            }
        }
    }

    /// <summary>Compresses <paramref name="input"/> exactly as Go's lzw.NewWriter(w, LSB, 8) does
    /// with one Write and a Close.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> input)
    {
        var table = new uint[HashSize]; // entry: key << 12 | code; 0 = empty (no code is 0)
        var output = new GrowableBuffer(Math.Max(16, input.Length));
        var bits = new BitWriter();
        int width = LiteralWidth + 1;
        int hi = EndCode;
        int overflow = 1 << width;

        if (input.IsEmpty)
        {
            bits.Write(ref output, ClearCode, width);
            bits.Write(ref output, EndCode, width);
            bits.Flush(ref output);
            return output.ToArray();
        }

        bits.Write(ref output, ClearCode, width);
        uint code = input[0];
        for (int p = 1; p < input.Length; p++)
        {
            uint literal = input[p];
            uint key = code << 8 | literal;
            int hash = (int)((key >> 12 ^ key) & HashMask);
            bool found = false;
            for (int h = hash; table[h] != 0; h = (h + 1) & HashMask)
            {
                if (table[h] >> 12 == key)
                {
                    code = table[h] & WriterMaxCode;
                    found = true;
                    break;
                }
            }
            if (found)
            {
                continue;
            }
            bits.Write(ref output, (int)code, width);
            code = literal;
            if (IncrementHi(ref hi, ref width, ref overflow, ref bits, ref output, table))
            {
                continue; // the table was reset: this pair is not added
            }
            while (table[hash] != 0)
            {
                hash = (hash + 1) & HashMask;
            }
            table[hash] = key << 12 | (uint)hi;
        }
        bits.Write(ref output, (int)code, width);
        IncrementHi(ref hi, ref width, ref overflow, ref bits, ref output, table);
        bits.Write(ref output, EndCode, width);
        bits.Flush(ref output);
        return output.ToArray();
    }

    /// <summary>Go's incHi: the next code, a wider code at a power of two, and at 4095 a clear code
    /// and an empty table (returns true then).</summary>
    private static bool IncrementHi(ref int hi, ref int width, ref int overflow, ref BitWriter bits, ref GrowableBuffer output, uint[] table)
    {
        hi++;
        if (hi == overflow)
        {
            width++;
            overflow <<= 1;
        }
        if (hi != WriterMaxCode)
        {
            return false;
        }
        bits.Write(ref output, ClearCode, width);
        width = LiteralWidth + 1;
        hi = EndCode;
        overflow = 1 << width;
        Array.Clear(table);
        return true;
    }

    private struct BitWriter
    {
        private uint _bits;
        private int _count;

        public void Write(ref GrowableBuffer output, int code, int width)
        {
            _bits |= (uint)code << _count;
            _count += width;
            while (_count >= 8)
            {
                output.Append((byte)_bits);
                _bits >>= 8;
                _count -= 8;
            }
        }

        public void Flush(ref GrowableBuffer output)
        {
            if (_count > 0)
            {
                output.Append((byte)_bits);
                _bits = 0;
                _count = 0;
            }
        }
    }

    private struct GrowableBuffer(int capacity)
    {
        private byte[] _buffer = new byte[Math.Max(16, capacity)];
        private int _length;

        public void Append(byte value)
        {
            if (_length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            _buffer[_length++] = value;
        }

        public bool TryAppend(byte value, int max)
        {
            if (_length >= max)
            {
                return false;
            }
            Append(value);
            return true;
        }

        public bool TryAppend(ReadOnlySpan<byte> values, int max)
        {
            if (values.Length > max - _length)
            {
                return false;
            }
            if (_length + values.Length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + values.Length));
            }
            values.CopyTo(_buffer.AsSpan(_length));
            _length += values.Length;
            return true;
        }

        public readonly byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
    }
}
