namespace Overlay.ControlPlane.Wire;

/// <summary>Why a payload did not decode (decoding never throws).</summary>
public enum DecodeStatus : byte
{
    Ok,
    Empty,

    /// <summary>Longer than the format allows for its kind.</summary>
    Oversized,

    /// <summary>A format version this build does not read.</summary>
    UnsupportedFormat,

    /// <summary>Neither a record nor a table.</summary>
    UnknownKind,
    Truncated,

    /// <summary>Bytes left over after the last field.</summary>
    TrailingBytes,

    /// <summary>A VNI above 24 bits.</summary>
    BadVni,
    BadFlags,

    /// <summary>Version 0 or above <see cref="Endpoints.EndpointTable.MaxVersion"/>.</summary>
    BadVersion,

    /// <summary>A zero or multicast MAC.</summary>
    BadMac,

    /// <summary>An unknown family, an unspecified address, or IPv4 written as IPv6.</summary>
    BadAddress,
    TooManyAddresses,

    /// <summary>Invalid UTF-8, or an endpoint id or owner that is empty.</summary>
    BadString,
    TooManyRecords,
}
