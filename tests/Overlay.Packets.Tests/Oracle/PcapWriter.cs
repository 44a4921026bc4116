using System.Buffers.Binary;

namespace Overlay.Packets.Tests.Oracle;

/// <summary>Writes classic libpcap files (microsecond timestamps, little-endian, link type 1 = Ethernet).</summary>
internal static class PcapWriter
{
    private const uint Magic = 0xA1B2_C3D4;
    private const ushort VersionMajor = 2;
    private const ushort VersionMinor = 4;
    private const uint SnapLength = 262_144;
    private const uint LinkTypeEthernet = 1;
    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    public static void Write(string path, IReadOnlyList<byte[]> frames)
    {
        using var file = File.Create(path);
        Span<byte> header = stackalloc byte[GlobalHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(4), VersionMajor);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(6), VersionMinor);
        BinaryPrimitives.WriteInt32LittleEndian(header.Slice(8), 0);   // thiszone
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(12), 0); // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(16), SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(20), LinkTypeEthernet);
        file.Write(header);

        Span<byte> record = stackalloc byte[RecordHeaderLength];
        for (int i = 0; i < frames.Count; i++)
        {
            byte[] frame = frames[i];
            BinaryPrimitives.WriteUInt32LittleEndian(record, 1_700_000_000u + (uint)i); // seconds
            BinaryPrimitives.WriteUInt32LittleEndian(record.Slice(4), 0);                // microseconds
            BinaryPrimitives.WriteUInt32LittleEndian(record.Slice(8), (uint)frame.Length);  // captured
            BinaryPrimitives.WriteUInt32LittleEndian(record.Slice(12), (uint)frame.Length); // on the wire
            file.Write(record);
            file.Write(frame);
        }
    }
}
