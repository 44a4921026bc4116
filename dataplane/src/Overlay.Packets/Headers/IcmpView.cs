using System.Buffers.Binary;

namespace Overlay.Packets;

/// <summary>A borrowed view over an ICMPv4 message (RFC 792): the whole IPv4 payload.</summary>
public readonly ref struct IcmpView
{
    public const int HeaderLength = 8;
    public const int MinLength = HeaderLength;

    public const byte TypeEchoReply = 0;
    public const byte TypeDestinationUnreachable = 3;
    public const byte TypeRedirect = 5;
    public const byte TypeEchoRequest = 8;
    public const byte TypeTimeExceeded = 11;
    public const byte TypeParameterProblem = 12;
    /// <summary>Destination unreachable, code 4: the path MTU signal.</summary>
    public const byte CodeFragmentationNeeded = 4;

    private const int TypeOffset = 0;
    private const int CodeOffset = 1;
    private const int ChecksumOffset = 2;
    private const int RestOffset = 4;
    private const int IdentifierOffset = 4;
    private const int SequenceOffset = 6;

    private readonly Span<byte> _bytes;

    private IcmpView(Span<byte> bytes) => _bytes = bytes;

    /// <summary>Checks that the 8-byte header fits. The checksum is not checked. Never throws.</summary>
    public static bool TryParse(Span<byte> bytes, out IcmpView view)
    {
        if (bytes.Length < HeaderLength)
        {
            view = default;
            return false;
        }
        view = new IcmpView(bytes);
        return true;
    }

    /// <summary>The whole message, header and payload.</summary>
    public Span<byte> Bytes => _bytes;

    public byte Type => _bytes[TypeOffset];
    public byte Code => _bytes[CodeOffset];
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(ChecksumOffset));
    public uint RestOfHeader => BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(RestOffset));
    public bool IsEcho => Type is TypeEchoRequest or TypeEchoReply;
    /// <summary>The echo identifier (meaningful for echo request/reply).</summary>
    public ushort Identifier => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(IdentifierOffset));
    /// <summary>The echo sequence number (meaningful for echo request/reply).</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(SequenceOffset));
    public Span<byte> Payload => _bytes.Slice(HeaderLength);

    public void SetType(byte type) => _bytes[TypeOffset] = type;
    public void SetCode(byte code) => _bytes[CodeOffset] = code;
    public void SetChecksum(ushort checksum) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(ChecksumOffset), checksum);
    public void SetRestOfHeader(uint value) => BinaryPrimitives.WriteUInt32BigEndian(_bytes.Slice(RestOffset), value);
    public void SetIdentifier(ushort identifier) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(IdentifierOffset), identifier);
    public void SetSequenceNumber(ushort sequence) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(SequenceOffset), sequence);

    /// <summary>The checksum to store, over the whole message as if the field were zero.</summary>
    public ushort ComputeChecksum()
    {
        ulong sum = InternetChecksum.Add(_bytes.Slice(0, ChecksumOffset));
        return InternetChecksum.Finish(InternetChecksum.Add(_bytes.Slice(RestOffset), sum));
    }

    public void UpdateChecksum() => SetChecksum(ComputeChecksum());

    public bool IsChecksumValid() => InternetChecksum.IsValid(_bytes);

    public IcmpFields ToFields() => new() { Type = Type, Code = Code, Checksum = Checksum, RestOfHeader = RestOfHeader };

    /// <summary>Writes the 8-byte header as given and returns 8; call <see cref="UpdateChecksum"/> on the
    /// parsed message once the payload is in place.</summary>
    public static int Encode(Span<byte> destination, in IcmpFields fields)
    {
        if (destination.Length < HeaderLength) HeaderThrow.DestinationTooSmall(HeaderLength, destination.Length);
        destination[TypeOffset] = fields.Type;
        destination[CodeOffset] = fields.Code;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(ChecksumOffset), fields.Checksum);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(RestOffset), fields.RestOfHeader);
        return HeaderLength;
    }
}
