using System.Text;
using Overlay.ControlPlane.Endpoints;
using Overlay.Packets;

namespace Overlay.ControlPlane.Wire;

/// <summary>
/// Our binary format for endpoint records (version 1, big-endian, no serializer):
/// <code>
/// message := format:u8 (=1)  kind:u8 (1 record | 2 table)  body
/// record  := vni:u32  flags:u8 (bit 0 deleted)  version:u64  ownerBoot:u64  [tombstoneAgeMs:u32 if deleted]
///            mac:6  vtep:addr  count:u8  addr*count  network:str  endpointId:str  owner:str
/// table   := count:u32  record*count
/// addr    := 4:u8 a.b.c.d  |  6:u8 16 bytes (never an IPv4-mapped address)
/// str     := length:u8 UTF-8
/// </code>
/// A tombstone carries its age rather than a time, so no clocks are compared between nodes. Decoding checks every
/// length before reading, caps every count, refuses trailing bytes, and reports failures as a
/// <see cref="DecodeStatus"/>; it never throws.
/// </summary>
internal static partial class EndpointCodec
{
    public const byte FormatVersion = 1;
    public const byte KindRecord = 1;
    public const byte KindTable = 2;
    private const byte FlagDeleted = 1;

    public static byte[] EncodeRecord(EndpointRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new byte[2 + SizeOf(record)];
        var writer = new WireWriter(buffer);
        writer.U8(FormatVersion);
        writer.U8(KindRecord);
        Write(ref writer, record, now);
        return buffer;
    }

    public static byte[] EncodeTable(IReadOnlyCollection<EndpointRecord> records, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(records);
        int size = 2 + 4;
        foreach (EndpointRecord record in records)
        {
            size += SizeOf(record);
        }
        var buffer = new byte[size];
        var writer = new WireWriter(buffer);
        writer.U8(FormatVersion);
        writer.U8(KindTable);
        writer.U32((uint)records.Count);
        foreach (EndpointRecord record in records)
        {
            Write(ref writer, record, now);
        }
        return buffer;
    }

    /// <summary>The encoded size of one record body.</summary>
    public static int SizeOf(EndpointRecord record)
    {
        int size = 4 + 1 + 8 + 8 + (record.Deleted ? 4 : 0) + 6 + AddressSize(record.Vtep) + 1;
        foreach (IpAddr address in record.Addresses)
        {
            size += AddressSize(address);
        }
        return size
            + 1 + Encoding.UTF8.GetByteCount(record.NetworkName)
            + 1 + Encoding.UTF8.GetByteCount(record.EndpointId)
            + 1 + Encoding.UTF8.GetByteCount(record.Owner);
    }

    private static int AddressSize(IpAddr address) => address.IsV4 ? 5 : 17;

    private static void Write(ref WireWriter writer, EndpointRecord record, DateTimeOffset now)
    {
        writer.U32(record.Vni);
        writer.U8(record.Deleted ? FlagDeleted : (byte)0);
        writer.U64(record.Version);
        writer.U64(record.OwnerBoot);
        if (record.Deleted)
        {
            writer.U32(AgeMilliseconds(record.DeletedAt, now));
        }
        writer.Mac(record.Mac);
        writer.Address(record.Vtep);
        writer.U8((byte)record.Addresses.Length);
        foreach (IpAddr address in record.Addresses)
        {
            writer.Address(address);
        }
        writer.String(record.NetworkName);
        writer.String(record.EndpointId);
        writer.String(record.Owner);
    }

    private static uint AgeMilliseconds(DateTimeOffset since, DateTimeOffset now)
    {
        double ms = (now - since).TotalMilliseconds;
        return ms <= 0 ? 0 : ms >= uint.MaxValue ? uint.MaxValue : (uint)ms;
    }
}
