namespace Overlay.Gossip.Wire;

/// <summary>The MessagePack lead bytes that memberlist's codec (hashicorp/go-msgpack, MsgpackHandle
/// with WriteExt off) writes or may meet. go-msgpack with WriteExt off writes strings and []byte
/// alike as the old "raw" family: fixstr, str16, str32; never str8 and never bin.</summary>
internal static class MsgPackCode
{
    public const byte PosFixIntMax = 0x7f;
    public const byte FixMapMin = 0x80;
    public const byte FixMapMax = 0x8f;
    public const byte FixArrayMin = 0x90;
    public const byte FixArrayMax = 0x9f;
    public const byte FixStrMin = 0xa0;
    public const byte FixStrMax = 0xbf;
    public const byte Nil = 0xc0;
    public const byte NeverUsed = 0xc1;
    public const byte False = 0xc2;
    public const byte True = 0xc3;
    public const byte Bin8 = 0xc4;
    public const byte Bin16 = 0xc5;
    public const byte Bin32 = 0xc6;
    public const byte Ext8 = 0xc7;
    public const byte Ext16 = 0xc8;
    public const byte Ext32 = 0xc9;
    public const byte Float32 = 0xca;
    public const byte Float64 = 0xcb;
    public const byte UInt8 = 0xcc;
    public const byte UInt16 = 0xcd;
    public const byte UInt32 = 0xce;
    public const byte UInt64 = 0xcf;
    public const byte Int8 = 0xd0;
    public const byte Int16 = 0xd1;
    public const byte Int32 = 0xd2;
    public const byte Int64 = 0xd3;
    public const byte FixExt1 = 0xd4;
    public const byte FixExt16 = 0xd8;
    public const byte Str8 = 0xd9;
    public const byte Str16 = 0xda;
    public const byte Str32 = 0xdb;
    public const byte Array16 = 0xdc;
    public const byte Array32 = 0xdd;
    public const byte Map16 = 0xde;
    public const byte Map32 = 0xdf;
    public const byte NegFixIntMin = 0xe0;

    /// <summary>Below this length a string is a fixstr; a map or array below 16 entries is "fix".</summary>
    public const int FixStrLimit = 32;
    public const int FixContainerLimit = 16;
}
