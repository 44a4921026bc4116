using System.Buffers;
using System.Text.Unicode;
using Overlay.ControlPlane.Endpoints;
using Overlay.Packets;

namespace Overlay.ControlPlane.Wire;

/// <summary>What a record may hold, so that every record in a table can be encoded and every broadcast fits a
/// gossip packet (worst case about 1.1 KB against memberlist's 1400-byte budget).</summary>
internal static class RecordLimits
{
    public const uint MaxVni = 0xFF_FFFF;
    public const int MaxAddresses = 16;
    public const int MaxStringBytes = 255;

    /// <summary>A record message: header, fixed fields, 17 addresses of 17 bytes, three full strings.</summary>
    public const int MaxRecordMessageBytes = 2 + 4 + 1 + 8 + 8 + 4 + 6 + 17 * (MaxAddresses + 1) + 1 + 3 * (1 + MaxStringBytes);

    public const int MaxTableBytes = 64 << 20;
    public const int MaxTableRecords = 1 << 20;

    /// <summary>The smallest encoded record (IPv4 VTEP, no addresses, empty network name, one-byte id and owner).</summary>
    public const int MinRecordBytes = 4 + 1 + 8 + 8 + 6 + 5 + 1 + 1 + 2 + 2;

    /// <summary>Ok, or what makes <paramref name="record"/> unfit for the table and the wire.</summary>
    public static DecodeStatus Check(EndpointRecord record)
    {
        if (record.Vni > MaxVni)
        {
            return DecodeStatus.BadVni;
        }
        if (record.Version == 0 || record.Version > EndpointTable.MaxVersion)
        {
            return DecodeStatus.BadVersion;
        }
        if (!record.Mac.IsValidUnicast)
        {
            return DecodeStatus.BadMac;
        }
        if (IsUnspecified(record.Vtep))
        {
            return DecodeStatus.BadAddress;
        }
        if (record.Addresses.Length > MaxAddresses)
        {
            return DecodeStatus.TooManyAddresses;
        }
        foreach (IpAddr address in record.Addresses)
        {
            if (IsUnspecified(address))
            {
                return DecodeStatus.BadAddress;
            }
        }
        bool stringsOk = FitsString(record.NetworkName, allowEmpty: true)
            && FitsString(record.EndpointId, allowEmpty: false)
            && FitsString(record.Owner, allowEmpty: false);
        return stringsOk ? DecodeStatus.Ok : DecodeStatus.BadString;
    }

    /// <summary>:: or 0.0.0.0, which no endpoint or VTEP has.</summary>
    public static bool IsUnspecified(IpAddr address) => address.IsNone || (address.IsV4 && address.V4 == 0);

    /// <summary>Valid UTF-16 that encodes to at most <see cref="MaxStringBytes"/> bytes.</summary>
    public static bool FitsString(string value, bool allowEmpty)
    {
        if (value.Length == 0)
        {
            return allowEmpty;
        }
        if (value.Length > MaxStringBytes)
        {
            return false;
        }
        Span<byte> utf8 = stackalloc byte[MaxStringBytes * 3];
        OperationStatus status = Utf8.FromUtf16(value, utf8, out _, out int written, replaceInvalidSequences: false);
        return status == OperationStatus.Done && written <= MaxStringBytes;
    }
}
