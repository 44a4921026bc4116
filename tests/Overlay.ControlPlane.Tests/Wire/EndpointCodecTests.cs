using System.Buffers.Binary;
using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Wire;
using Overlay.Packets;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Wire;

public sealed class EndpointCodecTests
{
    private static readonly DateTimeOffset Now = Epoch + TimeSpan.FromHours(1);

    private static readonly EndpointRecord[] SampleRecords =
    [
        Record("a", "e1", 1, version: 1, ips: []),
        Record("node-b", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 2, version: EndpointTable.MaxVersion, ips: [1, 2, 3]),
        new(0xFF_FFFF, "réseau-ñ", "ид", Mac(3), [IpAddr.Parse("fd00::1"), Ip(3), IpAddr.Parse("2001:db8::42")],
            IpAddr.Parse("2001:db8::1"), "節點", 0, 77),
        Record("a", "gone", 4, version: 9, deleted: true, deletedAt: Now - TimeSpan.FromMinutes(12)),
        new(1, "", "e", Mac(5), [.. Enumerable.Range(1, 16).Select(Ip)], Vtep("x"), new string('o', 255), ulong.MaxValue, 5),
    ];

    public static TheoryData<int> Samples() => [.. Enumerable.Range(0, SampleRecords.Length)];

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_record_round_trips(int sample)
    {
        EndpointRecord record = SampleRecords[sample];
        byte[] wire = EndpointCodec.EncodeRecord(record, Now);
        Assert.Equal(2 + EndpointCodec.SizeOf(record), wire.Length);
        Assert.True(wire.Length <= RecordLimits.MaxRecordMessageBytes);
        Assert.Equal(DecodeStatus.Ok, EndpointCodec.TryDecodeRecord(wire, Now, out EndpointRecord? back));
        Assert.True(record.SameWrite(back!), $"{record} vs {back}");
        Assert.Equal(record.DeletedAt, back!.DeletedAt);
    }

    [Fact]
    public void A_table_round_trips_in_order()
    {
        EndpointRecord[] records = SampleRecords;
        byte[] wire = EndpointCodec.EncodeTable(records, Now);
        Assert.Equal(DecodeStatus.Ok, EndpointCodec.TryDecodeTable(wire, Now, out List<EndpointRecord>? back));
        Assert.Equal(records.Length, back!.Count);
        for (int i = 0; i < records.Length; i++)
        {
            Assert.True(records[i].SameWrite(back[i]));
        }
        Assert.Equal(DecodeStatus.Ok, EndpointCodec.TryDecodeTable(EndpointCodec.EncodeTable([], Now), Now, out back));
        Assert.Empty(back!);
    }

    [Fact]
    public void The_layout_is_the_documented_one()
    {
        var record = new EndpointRecord(0x0A0B0C, "n", "e", new MacAddress(0x02_00_00_00_00_01), [Ip(1)], IpAddr.FromV4(0xC6120001), "o", 0x1122, 7);
        byte[] wire = EndpointCodec.EncodeRecord(record, Now);
        byte[] expected =
        [
            1, 1, // format 1, record
            0, 0x0A, 0x0B, 0x0C, // vni
            0, // flags
            0, 0, 0, 0, 0, 0, 0, 7, // version
            0, 0, 0, 0, 0, 0, 0x11, 0x22, // owner boot
            2, 0, 0, 0, 0, 1, // mac
            4, 198, 18, 0, 1, // vtep
            1, 4, 198, 19, 0, 1, // one address
            1, (byte)'n', 1, (byte)'e', 1, (byte)'o',
        ];
        Assert.Equal(expected, wire);
    }

    [Fact]
    public void Every_truncation_of_a_valid_message_fails_cleanly()
    {
        byte[] record = EndpointCodec.EncodeRecord(SampleRecords[2], Now);
        for (int length = 0; length < record.Length; length++)
        {
            Assert.NotEqual(DecodeStatus.Ok, EndpointCodec.TryDecodeRecord(record.AsSpan(0, length), Now, out _));
        }
        byte[] table = EndpointCodec.EncodeTable(SampleRecords, Now);
        for (int length = 0; length < table.Length; length++)
        {
            Assert.NotEqual(DecodeStatus.Ok, EndpointCodec.TryDecodeTable(table.AsSpan(0, length), Now, out _));
        }
    }

    [Fact]
    public void Bad_fields_are_named()
    {
        EndpointRecord sample = Record("a", "e1", 1, version: 5, ips: [1]);
        byte[] good = EndpointCodec.EncodeRecord(sample, Now);
        Assert.Equal(DecodeStatus.TrailingBytes, Decode([.. good, 0]));
        Assert.Equal(DecodeStatus.UnsupportedFormat, Decode([2, .. good[1..]]));
        Assert.Equal(DecodeStatus.UnknownKind, Decode([1, 9, .. good[2..]]));
        Assert.Equal(DecodeStatus.BadVni, Decode(Patch(good, 2, [1, 0, 0, 0])));
        Assert.Equal(DecodeStatus.BadFlags, Decode(Patch(good, 6, [2])));
        Assert.Equal(DecodeStatus.BadVersion, Decode(Patch(good, 7, [0, 0, 0, 0, 0, 0, 0, 0])));
        Assert.Equal(DecodeStatus.BadVersion, Decode(Patch(good, 7, [0x40, 0, 0, 0, 0, 0, 0, 1])));
        Assert.Equal(DecodeStatus.BadMac, Decode(Patch(good, 23, [1, 0, 0, 0, 0, 1])));
        Assert.Equal(DecodeStatus.BadMac, Decode(Patch(good, 23, [0, 0, 0, 0, 0, 0])));
        Assert.Equal(DecodeStatus.BadAddress, Decode(Patch(good, 29, [5])));
        Assert.Equal(DecodeStatus.BadAddress, Decode(Patch(good, 29, [4, 0, 0, 0, 0])));
        Assert.Equal(DecodeStatus.TooManyAddresses, Decode(Patch(good, 34, [17])));
        Assert.Equal(DecodeStatus.BadString, Decode(Patch(good, 41, [0xC3, 0x28])));
        Assert.Equal(DecodeStatus.Oversized, Decode(new byte[RecordLimits.MaxRecordMessageBytes + 1]));
        Assert.Equal(DecodeStatus.Empty, Decode([]));

        byte[] mapped = EndpointCodec.EncodeRecord(new EndpointRecord(42, "n", "e", Mac(1), [IpAddr.Parse("fd00::1")], Vtep("a"), "o", 1, 1), Now);
        Assert.Equal(6, mapped[35]); // the first address's family
        Assert.Equal(DecodeStatus.BadAddress, Decode(Patch(mapped, 36, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 19, 0, 1])));

        byte[] emptyOwner = EndpointCodec.EncodeRecord(new EndpointRecord(42, "", "e", Mac(1), [], Vtep("a"), "o", 1, 1), Now);
        emptyOwner[^2] = 0;
        Assert.Equal(DecodeStatus.BadString, Decode(emptyOwner[..^1]));
    }

    [Fact]
    public void A_table_cannot_claim_more_records_than_its_bytes_could_hold()
    {
        byte[] claim = new byte[2 + 4 + 100];
        claim[0] = 1;
        claim[1] = 2;
        BinaryPrimitives.WriteUInt32BigEndian(claim.AsSpan(2), 1000);
        Assert.Equal(DecodeStatus.Truncated, EndpointCodec.TryDecodeTable(claim, Now, out _));
        BinaryPrimitives.WriteUInt32BigEndian(claim.AsSpan(2), RecordLimits.MaxTableRecords + 1);
        Assert.Equal(DecodeStatus.TooManyRecords, EndpointCodec.TryDecodeTable(claim, Now, out _));
    }

    [Fact]
    public void Node_metadata_round_trips()
    {
        Assert.True(NodeMetaCodec.TryDecode(NodeMetaCodec.Encode(0xDEADBEEF), out ulong boot));
        Assert.Equal(0xDEADBEEFUL, boot);
        Assert.True(NodeMetaCodec.TryDecode([], out boot));
        Assert.Equal(0UL, boot);
        Assert.False(NodeMetaCodec.TryDecode([2, 0, 0, 0, 0, 0, 0, 0, 1], out _));
        Assert.False(NodeMetaCodec.TryDecode([1, 0, 0], out _));
    }

    private static DecodeStatus Decode(byte[] data) => EndpointCodec.TryDecodeRecord(data, Now, out _);

    private static byte[] Patch(byte[] data, int offset, byte[] bytes)
    {
        byte[] copy = [.. data];
        bytes.CopyTo(copy, offset);
        return copy;
    }
}
