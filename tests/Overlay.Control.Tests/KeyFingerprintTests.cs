using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>Fingerprints are the SHA-256 prefix (checked against Python's hashlib), so an operator can compute one
/// from a key with <c>base64 -d | sha256sum</c>.</summary>
public sealed class KeyFingerprintTests
{
    [Theory]
    [InlineData(SampleData.Key16, "374708fff7719dd5")]
    [InlineData(SampleData.Key32, "630dcd2966c43366")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", "1d64add2a6388367")]
    public void IsTheSha256Prefix(string key, string expected)
    {
        string fingerprint = KeyFingerprint.Of(Convert.FromBase64String(key));

        Assert.Equal(expected, fingerprint);
        Assert.Equal(KeyFingerprint.HexLength, fingerprint.Length);
    }
}
