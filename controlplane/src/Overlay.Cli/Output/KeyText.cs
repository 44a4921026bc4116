using Overlay.Control;

namespace Overlay.Cli.Output;

/// <summary>Gossip keys as a table of fingerprints, the primary first and marked; the keys themselves never appear.</summary>
internal static class KeyText
{
    public static void Write(TextWriter writer, IReadOnlyList<KeyDto> keys)
    {
        var table = new TextTable("FINGERPRINT", "PRIMARY");
        foreach (KeyDto key in keys.OrderByDescending(k => k.Primary))
        {
            table.AddRow(key.Fingerprint, key.Primary ? "yes" : "no");
        }

        table.WriteTo(writer);
    }
}
