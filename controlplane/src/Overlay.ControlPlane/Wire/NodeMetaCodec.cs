using System.Buffers.Binary;

namespace Overlay.ControlPlane.Wire;

/// <summary>
/// Our gossip node metadata: a format byte and the boot id (big-endian u64). It travels in the node's alive
/// message, so a member's new boot id arrives together with the news that the member is alive: from that moment
/// records written by an earlier life of the member are never installed.
/// </summary>
internal static class NodeMetaCodec
{
    public const byte Format = 1;
    public const int Size = 9;

    public static byte[] Encode(ulong bootId)
    {
        var meta = new byte[Size];
        meta[0] = Format;
        BinaryPrimitives.WriteUInt64BigEndian(meta.AsSpan(1), bootId);
        return meta;
    }

    /// <summary>Whether the metadata is ours: the member runs an endpoint table and reads our broadcasts.</summary>
    public static bool IsOurs(ReadOnlySpan<byte> meta) => meta.Length >= Size && meta[0] == Format;

    /// <summary>Reads the boot id. No metadata is a member that announces none (boot id 0, its records are
    /// taken whatever life wrote them); false for metadata that is there but not ours or not readable.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> meta, out ulong bootId)
    {
        bootId = 0;
        if (meta.IsEmpty)
        {
            return true;
        }
        if (meta.Length < Size || meta[0] != Format)
        {
            return false;
        }
        bootId = BinaryPrimitives.ReadUInt64BigEndian(meta[1..]);
        return true;
    }
}
