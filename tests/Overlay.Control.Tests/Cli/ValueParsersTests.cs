using Overlay.Cli.Parsing;

namespace Overlay.Control.Tests.Cli;

public sealed class ValueParsersTests
{
    [Theory]
    [InlineData("02:00:00:00:00:01", "02:00:00:00:00:01")]
    [InlineData("AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff")]
    [InlineData("02:00:00:00:00:0", null)]
    [InlineData("02:00:00:00:00:001", null)]
    [InlineData("02:00:00:00:00-01", null)]
    [InlineData("0200.0000.0001", null)]
    [InlineData("", null)]
    public void Mac(string text, string? expected)
    {
        bool ok = ValueParsers.TryParseMac(text, out string? mac);

        Assert.Equal(expected is not null, ok);
        Assert.Equal(expected, mac);
    }

    [Theory]
    [InlineData("198.18.0.2", "198.18.0.2")]
    [InlineData("2001:DB8:0:0::2", "2001:db8::2")]
    [InlineData("::ffff:198.18.0.2", "::ffff:198.18.0.2")]
    [InlineData("198.18.2", null)]
    [InlineData("3323068418", null)]
    [InlineData("198.18.0.2/24", null)]
    [InlineData("", null)]
    public void Address(string text, string? expected)
    {
        bool ok = ValueParsers.TryParseAddress(text, out string? address);

        Assert.Equal(expected is not null, ok);
        Assert.Equal(expected, address);
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAAAA==", 16)]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", 24)]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", 32)]
    [InlineData(" AAAAAAAAAAAAAAAAAAAAAA==\n", "AAAAAAAAAAAAAAAAAAAAAA==", 16)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAA=", null, 20)]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==", null, 34)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA", null, -1)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==-", null, -1)]
    [InlineData("", null, 0)]
    public void Key(string text, string? expected, int length)
    {
        bool ok = ValueParsers.TryParseKey(text, out string? key, out int decoded);

        Assert.Equal(expected is not null, ok);
        Assert.Equal(expected, key);
        Assert.Equal(length, decoded);
    }

    [Theory]
    [InlineData("0", true, 0u)]
    [InlineData("42", true, 42u)]
    [InlineData("16777215", true, 16777215u)]
    [InlineData("16777216", false, 0u)]
    [InlineData("+42", false, 0u)]
    [InlineData(" 42", false, 0u)]
    [InlineData("4294967296", false, 0u)]
    public void Vni(string text, bool valid, uint expected)
    {
        bool ok = ValueParsers.TryParseVni(text, out uint vni);

        Assert.Equal(valid, ok);
        if (valid)
        {
            Assert.Equal(expected, vni);
        }
    }
}
