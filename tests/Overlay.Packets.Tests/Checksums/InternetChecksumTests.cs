using System.Buffers.Binary;

namespace Overlay.Packets.Tests.Checksums;

public sealed class InternetChecksumTests
{
    /// <summary>RFC 1071 by the book: 16-bit big-endian words, odd byte padded, carries folded at the end.</summary>
    private static ushort NaiveFold(ReadOnlySpan<byte> data, ulong initial = 0)
    {
        ulong sum = initial;
        for (int i = 0; i + 1 < data.Length; i += 2)
        {
            sum += (ulong)((data[i] << 8) | data[i + 1]);
        }
        if ((data.Length & 1) != 0) sum += (ulong)data[^1] << 8;
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    [Fact]
    public void Rfc1071_example_sums_to_ddf2()
    {
        byte[] data = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7];
        Assert.Equal(0xDDF2, InternetChecksum.FoldToUInt16(InternetChecksum.Add(data)));
        Assert.Equal(0x220D, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Known_ipv4_header_checksum_is_b861()
    {
        byte[] header = Convert.FromHexString("450000730000400040110000c0a80001c0a800c7");
        Assert.Equal(0xB861, InternetChecksum.Compute(header));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), 0xB861);
        Assert.True(InternetChecksum.IsValid(header));
        header[8] = 0x3F; // TTL 63
        Assert.False(InternetChecksum.IsValid(header));
    }

    [Fact]
    public void Odd_trailing_byte_is_padded_with_zero()
    {
        Assert.Equal(0xAB00UL, InternetChecksum.Add([0xAB]));
        Assert.Equal(0x0102UL + 0x0300UL, InternetChecksum.Add([0x01, 0x02, 0x03]));
        Assert.Equal(0UL, InternetChecksum.Add([]));
        Assert.Equal(7UL, InternetChecksum.Add([], 7));
    }

    [Theory]
    [InlineData(0UL, 0)]
    [InlineData(0xFFFFUL, 0xFFFF)]
    [InlineData(0x1_0000UL, 1)]
    [InlineData(0x1_FFFEUL, 0xFFFF)]
    [InlineData(0xFFFF_FFFFUL, 0xFFFF)]
    [InlineData(ulong.MaxValue, 0xFFFF)]
    [InlineData(0x0001_0002_0003_0004UL, 10)]
    public void FoldToUInt16_folds_every_carry(ulong sum, int expected) =>
        Assert.Equal((ushort)expected, InternetChecksum.FoldToUInt16(sum));

    [Fact]
    public void AddCarry_wraps_the_carry_around()
    {
        Assert.Equal(1UL, InternetChecksum.AddCarry(ulong.MaxValue, 1));
        Assert.Equal(ulong.MaxValue, InternetChecksum.AddCarry(ulong.MaxValue, ulong.MaxValue));
        Assert.Equal(5UL, InternetChecksum.AddCarry(2, 3));
    }

    [Fact]
    public void Vectorised_add_equals_the_naive_sum_on_random_lengths_and_offsets()
    {
        var random = new Random(1071);
        byte[] buffer = new byte[3000 + 64];
        for (int iteration = 0; iteration < 4000; iteration++)
        {
            switch (iteration % 4)
            {
                case 0: random.NextBytes(buffer); break;
                case 1: Array.Fill(buffer, (byte)0xFF); break;
                case 2: Array.Clear(buffer); break;
                default:
                    random.NextBytes(buffer);
                    for (int i = 0; i < buffer.Length; i++) buffer[i] |= 0xF0; // carry-heavy
                    break;
            }
            int offset = random.Next(0, 64);
            int length = random.Next(0, 3001);
            ulong initial = (iteration & 1) == 0 ? 0 : (ulong)random.NextInt64(0, 1L << 40);
            var data = buffer.AsSpan(offset, length);

            Assert.Equal(NaiveFold(data, initial), InternetChecksum.FoldToUInt16(InternetChecksum.Add(data, initial)));
        }
    }

    [Fact]
    public void Add_of_a_large_all_ones_buffer_loses_no_carry()
    {
        byte[] data = new byte[1 << 20];
        Array.Fill(data, (byte)0xFF);
        Assert.Equal(NaiveFold(data), InternetChecksum.FoldToUInt16(InternetChecksum.Add(data)));
        Assert.Equal(0xFFFF, InternetChecksum.FoldToUInt16(InternetChecksum.Add(data)));
    }

    [Fact]
    public void Sums_chain_across_even_length_pieces()
    {
        var random = new Random(7);
        byte[] data = new byte[1500];
        random.NextBytes(data);
        for (int split = 0; split <= data.Length; split += 2)
        {
            ulong chained = InternetChecksum.Add(data.AsSpan(split), InternetChecksum.Add(data.AsSpan(0, split)));
            Assert.Equal(NaiveFold(data), InternetChecksum.FoldToUInt16(chained));
        }
    }

    [Fact]
    public void PseudoHeaderV4_equals_summing_the_written_pseudo_header()
    {
        var random = new Random(768);
        for (int i = 0; i < 1000; i++)
        {
            uint source = (uint)random.NextInt64(0, 1L << 32);
            uint destination = (uint)random.NextInt64(0, 1L << 32);
            byte protocol = (byte)random.Next(256);
            int length = random.Next(0, 65536);
            byte[] pseudo = new byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(pseudo, source);
            BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(4), destination);
            pseudo[9] = protocol;
            BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)length);

            Assert.Equal(NaiveFold(pseudo), InternetChecksum.FoldToUInt16(InternetChecksum.PseudoHeaderV4(source, destination, protocol, length)));
        }
    }

    [Fact]
    public void PseudoHeaderV6_equals_summing_the_written_pseudo_header()
    {
        var random = new Random(8200);
        for (int i = 0; i < 1000; i++)
        {
            byte[] source = new byte[16], destination = new byte[16];
            random.NextBytes(source);
            random.NextBytes(destination);
            byte nextHeader = (byte)random.Next(256);
            int length = random.Next(0, int.MaxValue);
            byte[] pseudo = new byte[40];
            source.CopyTo(pseudo, 0);
            destination.CopyTo(pseudo, 16);
            BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)length);
            pseudo[39] = nextHeader;

            Assert.Equal(NaiveFold(pseudo), InternetChecksum.FoldToUInt16(InternetChecksum.PseudoHeaderV6(source, destination, nextHeader, length)));
        }
    }

    [Fact]
    public void Rfc1624_worked_example_gives_zero()
    {
        // RFC 1624 section 4: m = 0x5555 becomes 0x3285 under HC = 0xDD2F; eqn. 3 yields 0x0000, as recomputing does.
        Assert.Equal(0x0000, InternetChecksum.Update(0xDD2F, 0x5555, 0x3285));
    }

    [Fact]
    public void Incremental_update_equals_recomputation_over_random_ipv4_field_changes()
    {
        var random = new Random(1624);
        byte[] header = new byte[60];
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            int options = random.Next(0, 11) * 4;
            byte[] optionBytes = new byte[options];
            random.NextBytes(optionBytes);
            int length = Ipv4View.Encode(header, RandomIpv4Fields(random), optionBytes);
            var span = header.AsSpan(0, length);
            ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(10));

            if ((iteration & 1) == 0)
            {
                int offset = random.Next(0, length / 2 - 1) * 2;
                if (offset >= 10) offset += 2; // skip the checksum field itself
                ushort oldValue = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(offset));
                ushort newValue = (ushort)random.Next(65536);
                BinaryPrimitives.WriteUInt16BigEndian(span.Slice(offset), newValue);
                checksum = InternetChecksum.Update(checksum, oldValue, newValue);
            }
            else
            {
                int offset = random.Next(2) == 0 ? 12 : 16;
                uint oldValue = BinaryPrimitives.ReadUInt32BigEndian(span.Slice(offset));
                uint newValue = (uint)random.NextInt64(0, 1L << 32);
                BinaryPrimitives.WriteUInt32BigEndian(span.Slice(offset), newValue);
                checksum = InternetChecksum.Update(checksum, oldValue, newValue);
            }

            BinaryPrimitives.WriteUInt16BigEndian(span.Slice(10), 0);
            Assert.Equal(InternetChecksum.Compute(span), checksum);
        }
    }

    [Fact]
    public void Incremental_update_of_a_tcp_checksum_after_source_nat_equals_recomputation()
    {
        var random = new Random(3022);
        byte[] segment = new byte[20 + 100];
        for (int iteration = 0; iteration < 5000; iteration++)
        {
            random.NextBytes(segment);
            segment[12] = 5 << 4;
            Assert.True(TcpView.TryParse(segment, out var tcp));
            uint source = (uint)random.NextInt64(0, 1L << 32), destination = (uint)random.NextInt64(0, 1L << 32);
            tcp.SetChecksum(tcp.ComputeChecksumV4(source, destination));

            uint newSource = (uint)random.NextInt64(0, 1L << 32);
            ushort newPort = (ushort)random.Next(65536);
            ushort patched = InternetChecksum.Update(tcp.Checksum, source, newSource);
            patched = InternetChecksum.Update(patched, tcp.SourcePort, newPort);
            tcp.SetSourcePort(newPort);

            Assert.Equal(tcp.ComputeChecksumV4(newSource, destination), patched);
            tcp.SetChecksum(patched);
            Assert.True(tcp.IsChecksumValidV4(newSource, destination));
        }
    }

    private static Ipv4Fields RandomIpv4Fields(Random random) => new()
    {
        Tos = (byte)random.Next(256),
        TotalLength = (ushort)random.Next(60, 65536),
        Identification = (ushort)random.Next(65536),
        DontFragment = random.Next(2) == 0,
        MoreFragments = random.Next(2) == 0,
        FragmentOffset = (ushort)(random.Next(0, 8192) * 8),
        Ttl = (byte)random.Next(256),
        Protocol = (byte)random.Next(256),
        Source = (uint)random.NextInt64(0, 1L << 32),
        Destination = (uint)random.NextInt64(0, 1L << 32),
    };
}
