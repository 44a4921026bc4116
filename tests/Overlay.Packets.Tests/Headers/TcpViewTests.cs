using System.Buffers.Binary;

namespace Overlay.Packets.Tests.Headers;

public sealed class TcpViewTests
{
    private const uint Source = 0xC612_0001;
    private const uint Destination = 0xC612_0002;
    private static readonly byte[] Source6 = Convert.FromHexString("fd000000000000000000000000000001");
    private static readonly byte[] Destination6 = Convert.FromHexString("fd000000000000000000000000000002");

    private static readonly TcpFields Sample = new()
    {
        SourcePort = 443, DestinationPort = 51000, SequenceNumber = 0x0102_0304, AcknowledgmentNumber = 0xA0B0_C0D0,
        Flags = TcpFlags.Syn | TcpFlags.Ack, Window = 0xFFFF, Checksum = 0x1234, UrgentPointer = 0x0506,
    };

    [Fact]
    public void Encode_writes_the_wire_layout()
    {
        byte[] header = new byte[24];
        Assert.Equal(24, TcpView.Encode(header, Sample, [2, 4, 0x05, 0xB4]));
        Assert.Equal("01BBC73801020304A0B0C0D06012FFFF12340506020405B4", Convert.ToHexString(header));
    }

    [Fact]
    public void Random_fields_and_options_round_trip()
    {
        var random = new Random(9293);
        byte[] segment = new byte[60 + 40];
        for (int i = 0; i < 5000; i++)
        {
            byte[] options = new byte[random.Next(0, 41)];
            random.NextBytes(options);
            var fields = new TcpFields
            {
                SourcePort = (ushort)random.Next(65536),
                DestinationPort = (ushort)random.Next(65536),
                SequenceNumber = (uint)random.NextInt64(0, 1L << 32),
                AcknowledgmentNumber = (uint)random.NextInt64(0, 1L << 32),
                Flags = (TcpFlags)random.Next(256),
                Window = (ushort)random.Next(65536),
                Checksum = (ushort)random.Next(65536),
                UrgentPointer = (ushort)random.Next(65536),
            };
            int headerLength = TcpView.Encode(segment, fields, options);
            int length = random.Next(headerLength, segment.Length + 1);

            Assert.True(TcpView.TryParse(segment.AsSpan(0, length), out var tcp));
            Assert.Equal(fields, tcp.ToFields());
            Assert.Equal(20 + ((options.Length + 3) & ~3), headerLength);
            Assert.Equal(headerLength, tcp.HeaderLength);
            Assert.Equal(headerLength / 4, tcp.DataOffset);
            Assert.Equal(options, tcp.Options[..options.Length].ToArray());
            Assert.True(tcp.Options[options.Length..].IndexOfAnyExcept((byte)0) < 0);
            Assert.Equal(length - headerLength, tcp.Payload.Length);
        }
    }

    [Fact]
    public void Flags_have_the_wire_bit_values()
    {
        Assert.Equal(1, (byte)TcpFlags.Fin);
        Assert.Equal(2, (byte)TcpFlags.Syn);
        Assert.Equal(4, (byte)TcpFlags.Rst);
        Assert.Equal(8, (byte)TcpFlags.Psh);
        Assert.Equal(16, (byte)TcpFlags.Ack);
        Assert.Equal(32, (byte)TcpFlags.Urg);
        Assert.Equal(64, (byte)TcpFlags.Ece);
        Assert.Equal(128, (byte)TcpFlags.Cwr);

        byte[] header = new byte[20];
        TcpView.Encode(header, Sample);
        Assert.Equal(0x12, header[13]);
        Assert.True(TcpView.TryParse(header, out var tcp));
        Assert.True(tcp.HasFlags(TcpFlags.Syn | TcpFlags.Ack));
        Assert.False(tcp.HasFlags(TcpFlags.Syn | TcpFlags.Fin));
    }

    [Fact]
    public void Empty_and_every_truncation_fail()
    {
        byte[] header = new byte[32];
        TcpView.Encode(header, Sample, new byte[12]);
        for (int length = 0; length < 32; length++)
        {
            Assert.False(TcpView.TryParse(header.AsSpan(0, length), out _), $"length {length}");
        }
        Assert.True(TcpView.TryParse(header, out var tcp));
        Assert.True(tcp.Payload.IsEmpty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Data_offset_below_five_fails(int dataOffset)
    {
        byte[] segment = new byte[40];
        TcpView.Encode(segment, Sample);
        segment[12] = (byte)(dataOffset << 4);
        Assert.False(TcpView.TryParse(segment, out _));
    }

    [Theory]
    [InlineData(11, false)]
    [InlineData(10, true)]
    [InlineData(15, false)]
    public void Data_offset_beyond_the_buffer_fails(int dataOffset, bool fits)
    {
        byte[] segment = new byte[40];
        TcpView.Encode(segment, Sample);
        segment[12] = (byte)(dataOffset << 4);
        Assert.Equal(fits, TcpView.TryParse(segment, out _));
    }

    [Fact]
    public void Reserved_bits_next_to_the_data_offset_are_ignored()
    {
        byte[] segment = new byte[20];
        TcpView.Encode(segment, Sample);
        segment[12] |= 0x0F;
        Assert.True(TcpView.TryParse(segment, out var tcp));
        Assert.Equal(5, tcp.DataOffset);
    }

    [Fact]
    public void Checksums_match_hand_built_pseudo_headers_and_verify()
    {
        var random = new Random(793);
        for (int i = 0; i < 500; i++)
        {
            byte[] segment = new byte[20 + random.Next(0, 200)];
            random.NextBytes(segment);
            segment[12] = 5 << 4;
            Assert.True(TcpView.TryParse(segment, out var tcp));

            byte[] pseudo4 = [.. Be32(Source), .. Be32(Destination), 0, 6, (byte)(segment.Length >> 8), (byte)segment.Length, .. segment];
            pseudo4[12 + 16] = pseudo4[12 + 17] = 0;
            Assert.Equal(InternetChecksum.Compute(pseudo4), tcp.ComputeChecksumV4(Source, Destination));
            tcp.SetChecksum(tcp.ComputeChecksumV4(Source, Destination));
            Assert.True(tcp.IsChecksumValidV4(Source, Destination));
            Assert.False(tcp.IsChecksumValidV4(Source, Destination + 1));

            byte[] pseudo6 = [.. Source6, .. Destination6, .. Be32((uint)segment.Length), 0, 0, 0, 6, .. segment];
            pseudo6[40 + 16] = pseudo6[40 + 17] = 0;
            Assert.Equal(InternetChecksum.Compute(pseudo6), tcp.ComputeChecksumV6(Source6, Destination6));
            tcp.SetChecksum(tcp.ComputeChecksumV6(Source6, Destination6));
            Assert.True(tcp.IsChecksumValidV6(Source6, Destination6));
            segment[^1] ^= 0x80;
            Assert.False(tcp.IsChecksumValidV6(Source6, Destination6));
        }
    }

    [Fact]
    public void Setters_write_in_place()
    {
        byte[] segment = new byte[20];
        TcpView.Encode(segment, Sample);
        Assert.True(TcpView.TryParse(segment, out var tcp));
        tcp.SetSourcePort(1);
        tcp.SetDestinationPort(2);
        tcp.SetSequenceNumber(3);
        tcp.SetAcknowledgmentNumber(4);
        tcp.SetFlags(TcpFlags.Rst);
        tcp.SetWindow(5);
        tcp.SetChecksum(6);
        tcp.SetUrgentPointer(7);
        Assert.True(TcpView.TryParse(segment, out var again));
        Assert.Equal(new TcpFields
        {
            SourcePort = 1, DestinationPort = 2, SequenceNumber = 3, AcknowledgmentNumber = 4,
            Flags = TcpFlags.Rst, Window = 5, Checksum = 6, UrgentPointer = 7,
        }, again.ToFields());
    }

    [Fact]
    public void Encode_rejects_programmer_errors()
    {
        Assert.Throws<ArgumentException>(() => TcpView.Encode(new byte[19], Sample));
        Assert.Throws<ArgumentException>(() => TcpView.Encode(new byte[23], Sample, new byte[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TcpView.Encode(new byte[100], Sample, new byte[41]));
    }

    private static byte[] Be32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
