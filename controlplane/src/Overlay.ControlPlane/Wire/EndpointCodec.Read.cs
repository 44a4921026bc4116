using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Overlay.ControlPlane.Endpoints;
using Overlay.Packets;

namespace Overlay.ControlPlane.Wire;

internal static partial class EndpointCodec
{
    /// <summary>Decodes a record message; a tombstone's time is set from its age relative to <paramref name="now"/>.</summary>
    public static DecodeStatus TryDecodeRecord(ReadOnlySpan<byte> data, DateTimeOffset now, out EndpointRecord? record)
    {
        record = null;
        DecodeStatus status = ReadHeader(data, KindRecord, RecordLimits.MaxRecordMessageBytes, out WireReader reader);
        if (status != DecodeStatus.Ok)
        {
            return status;
        }
        status = ReadRecord(ref reader, now, out record);
        if (status == DecodeStatus.Ok && reader.Remaining != 0)
        {
            record = null;
            return DecodeStatus.TrailingBytes;
        }
        return status;
    }

    /// <summary>Decodes a table message.</summary>
    public static DecodeStatus TryDecodeTable(ReadOnlySpan<byte> data, DateTimeOffset now, out List<EndpointRecord>? records)
    {
        records = null;
        DecodeStatus status = ReadHeader(data, KindTable, RecordLimits.MaxTableBytes, out WireReader reader);
        if (status != DecodeStatus.Ok)
        {
            return status;
        }
        if (!reader.U32(out uint count))
        {
            return DecodeStatus.Truncated;
        }
        if (count > RecordLimits.MaxTableRecords)
        {
            return DecodeStatus.TooManyRecords;
        }
        if (count > (uint)(reader.Remaining / RecordLimits.MinRecordBytes))
        {
            return DecodeStatus.Truncated; // cannot hold that many: refuse before allocating for them
        }
        var list = new List<EndpointRecord>((int)count);
        for (uint i = 0; i < count; i++)
        {
            status = ReadRecord(ref reader, now, out EndpointRecord? record);
            if (status != DecodeStatus.Ok)
            {
                return status;
            }
            list.Add(record!);
        }
        if (reader.Remaining != 0)
        {
            return DecodeStatus.TrailingBytes;
        }
        records = list;
        return DecodeStatus.Ok;
    }

    private static DecodeStatus ReadHeader(ReadOnlySpan<byte> data, byte kind, int maxBytes, out WireReader reader)
    {
        reader = default;
        if (data.IsEmpty)
        {
            return DecodeStatus.Empty;
        }
        if (data.Length > maxBytes)
        {
            return DecodeStatus.Oversized;
        }
        if (data[0] != FormatVersion)
        {
            return DecodeStatus.UnsupportedFormat;
        }
        if (data.Length < 2)
        {
            return DecodeStatus.Truncated;
        }
        if (data[1] != kind)
        {
            return DecodeStatus.UnknownKind;
        }
        reader = new WireReader(data[2..]);
        return DecodeStatus.Ok;
    }

    private static DecodeStatus ReadRecord(ref WireReader reader, DateTimeOffset now, out EndpointRecord? record)
    {
        record = null;
        if (!reader.U32(out uint vni) || !reader.U8(out byte flags) || !reader.U64(out ulong version) || !reader.U64(out ulong boot))
        {
            return DecodeStatus.Truncated;
        }
        if (vni > RecordLimits.MaxVni)
        {
            return DecodeStatus.BadVni;
        }
        if ((flags & ~FlagDeleted) != 0)
        {
            return DecodeStatus.BadFlags;
        }
        if (version == 0 || version > EndpointTable.MaxVersion)
        {
            return DecodeStatus.BadVersion;
        }
        bool deleted = (flags & FlagDeleted) != 0;
        uint ageMs = 0;
        if (deleted && !reader.U32(out ageMs))
        {
            return DecodeStatus.Truncated;
        }
        if (!reader.Bytes(6, out ReadOnlySpan<byte> macBytes))
        {
            return DecodeStatus.Truncated;
        }
        MacAddress mac = MacAddress.Read(macBytes);
        if (!mac.IsValidUnicast)
        {
            return DecodeStatus.BadMac;
        }
        DecodeStatus status = ReadAddress(ref reader, out IpAddr vtep);
        if (status != DecodeStatus.Ok)
        {
            return status;
        }
        if (!reader.U8(out byte count))
        {
            return DecodeStatus.Truncated;
        }
        if (count > RecordLimits.MaxAddresses)
        {
            return DecodeStatus.TooManyAddresses;
        }
        var addresses = count == 0 ? [] : new IpAddr[count];
        for (int i = 0; i < count; i++)
        {
            status = ReadAddress(ref reader, out addresses[i]);
            if (status != DecodeStatus.Ok)
            {
                return status;
            }
        }
        if ((status = ReadString(ref reader, allowEmpty: true, out string network)) != DecodeStatus.Ok
            || (status = ReadString(ref reader, allowEmpty: false, out string endpointId)) != DecodeStatus.Ok
            || (status = ReadString(ref reader, allowEmpty: false, out string owner)) != DecodeStatus.Ok)
        {
            return status;
        }
        DateTimeOffset deletedAt = deleted ? now - TimeSpan.FromMilliseconds(ageMs) : default;
        record = new EndpointRecord(
            vni, network, endpointId, mac, ImmutableCollectionsMarshal.AsImmutableArray(addresses), vtep, owner, boot, version, deleted, deletedAt);
        return DecodeStatus.Ok;
    }

    private static DecodeStatus ReadAddress(ref WireReader reader, out IpAddr address)
    {
        address = IpAddr.None;
        if (!reader.U8(out byte family))
        {
            return DecodeStatus.Truncated;
        }
        if (family == 4)
        {
            if (!reader.Bytes(4, out ReadOnlySpan<byte> v4))
            {
                return DecodeStatus.Truncated;
            }
            address = IpAddr.ReadV4(v4);
            return RecordLimits.IsUnspecified(address) ? DecodeStatus.BadAddress : DecodeStatus.Ok;
        }
        if (family == 6)
        {
            if (!reader.Bytes(16, out ReadOnlySpan<byte> v6))
            {
                return DecodeStatus.Truncated;
            }
            address = IpAddr.ReadV6(v6);
            return address.IsV6 ? DecodeStatus.Ok : DecodeStatus.BadAddress; // not ::, not IPv4-mapped
        }
        return DecodeStatus.BadAddress;
    }

    private static DecodeStatus ReadString(ref WireReader reader, bool allowEmpty, out string value)
    {
        value = string.Empty;
        if (!reader.U8(out byte length) || !reader.Bytes(length, out ReadOnlySpan<byte> utf8))
        {
            return DecodeStatus.Truncated;
        }
        if ((length == 0 && !allowEmpty) || !Utf8.IsValid(utf8))
        {
            return DecodeStatus.BadString;
        }
        value = length == 0 ? string.Empty : Encoding.UTF8.GetString(utf8);
        return DecodeStatus.Ok;
    }
}
