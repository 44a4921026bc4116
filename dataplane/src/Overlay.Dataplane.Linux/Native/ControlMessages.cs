namespace Overlay.Dataplane.Linux.Native;

/// <summary>Ancillary data (struct cmsghdr, LP64: 8-byte length, int level, int type, data padded to 8) written
/// into caller-provided native memory.</summary>
internal static unsafe class ControlMessages
{
    private const int HeaderLength = 16;

    /// <summary>CMSG_SPACE(sizeof(ushort)): the room a UDP_SEGMENT message takes.</summary>
    public const int SegmentSpace = HeaderLength + 8;

    /// <summary>Writes an int-valued message; returns its CMSG_SPACE.</summary>
    public static int WriteInt(byte* at, int level, int type, int value)
    {
        *(ulong*)at = HeaderLength + sizeof(int);
        *(int*)(at + 8) = level;
        *(int*)(at + 12) = type;
        *(ulong*)(at + HeaderLength) = 0;
        *(int*)(at + HeaderLength) = value;
        return HeaderLength + 8;
    }

    /// <summary>Writes a UDP_SEGMENT message (the GSO segment size); returns its CMSG_SPACE.</summary>
    public static int WriteSegment(byte* at, ushort segmentSize)
    {
        *(ulong*)at = HeaderLength + sizeof(ushort);
        *(int*)(at + 8) = Sock.SOL_UDP;
        *(int*)(at + 12) = Sock.UDP_SEGMENT;
        *(ulong*)(at + HeaderLength) = 0;
        *(ushort*)(at + HeaderLength) = segmentSize;
        return SegmentSpace;
    }

    /// <summary>Finds an int-valued message in received ancillary data (e.g. UDP_GRO's segment size).</summary>
    public static bool TryFindInt(byte* control, nuint length, int level, int type, out int value)
    {
        nuint offset = 0;
        while (offset + HeaderLength <= length)
        {
            ulong messageLength = *(ulong*)(control + offset);
            if (messageLength < HeaderLength || offset + (nuint)messageLength > length) break;
            if (*(int*)(control + offset + 8) == level && *(int*)(control + offset + 12) == type && messageLength >= HeaderLength + sizeof(ushort))
            {
                value = messageLength >= HeaderLength + sizeof(int) ? *(int*)(control + offset + HeaderLength) : *(ushort*)(control + offset + HeaderLength);
                return true;
            }
            offset += (nuint)((messageLength + 7) & ~7UL);
        }
        value = 0;
        return false;
    }
}
