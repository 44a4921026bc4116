using System.Globalization;
using Overlay.Gossip.Security;
using Overlay.Packets;

namespace Overlay.Daemon.Config;

public sealed partial class ConfigValidator
{
    private GossipConfig Gossip(GossipSection g, IpAddr firstUnderlay)
    {
        if (!g.Enabled) return GossipConfig.Disabled;
        IpAddr bind = firstUnderlay;
        if (g.Bind is not null && !IpAddr.TryParse(g.Bind, out bind)) Problem("gossip.bind", $"'{g.Bind}' is not an IP address");
        IpAddr advertise = bind;
        if (g.Advertise is not null && !IpAddr.TryParse(g.Advertise, out advertise)) Problem("gossip.advertise", $"'{g.Advertise}' is not an IP address");
        if (g.Port is < 1 or > 65535) Problem("gossip.port", $"{g.Port} is out of range 1..65535");
        if (g.Preset is not ("lan" or "wan" or "local")) Problem("gossip.preset", $"'{g.Preset}' is not lan, wan or local");
        if (g.TombstoneSeconds < 1) Problem("gossip.tombstoneSeconds", $"{g.TombstoneSeconds} must be at least 1");

        var seeds = new List<(IpAddr, int)>();
        for (int i = 0; i < g.Seeds.Count; i++)
        {
            if (TryParseHostPort(g.Seeds[i], g.Port, out var address, out int port)) seeds.Add((address, port));
            else Problem($"gossip.seeds[{i}]", $"'{g.Seeds[i]}' is not ADDRESS or ADDRESS:PORT ([v6]:PORT for IPv6)");
        }
        var keys = new List<byte[]>();
        for (int i = 0; i < g.Keys.Count; i++)
        {
            byte[]? key = null;
            try { key = Convert.FromBase64String(g.Keys[i]); }
            catch (FormatException) { }
            if (key is null || key.Length is not (16 or 24 or 32)) Problem($"gossip.keys[{i}]", "is not a base64 AES key of 16, 24 or 32 bytes");
            else keys.Add(key);
        }
        var (keyringFile, fileKeys) = KeyringFileOf(g.KeyringFile);
        if (g.Label is { Length: > 255 }) Problem("gossip.label", "is longer than 255 bytes");
        var cidrs = new List<(IpAddr, int)>();
        for (int i = 0; i < g.AllowCidrs.Count; i++)
        {
            string text = g.AllowCidrs[i];
            int slash = text.IndexOf('/');
            if (slash > 0 && IpAddr.TryParse(text[..slash], out var network)
                && int.TryParse(text[(slash + 1)..], CultureInfo.InvariantCulture, out int prefix) && prefix >= 0 && prefix <= (network.IsV4 ? 32 : 128))
            {
                cidrs.Add((network, prefix));
            }
            else
            {
                Problem($"gossip.allowCidrs[{i}]", $"'{text}' is not ADDRESS/PREFIX");
            }
        }
        return new GossipConfig(true, bind, g.Port, advertise, seeds, g.Preset, fileKeys ?? [.. keys], string.IsNullOrEmpty(g.Label) ? null : g.Label,
            cidrs, TimeSpan.FromSeconds(Math.Max(1, g.TombstoneSeconds)))
        {
            KeyringFile = keyringFile,
            KeysFromFile = fileKeys is not null,
            ConfiguredKeyCount = keys.Count,
        };
    }

    /// <summary>gossip.keyringFile: an absolute path whose directory exists; the keys it holds when the file exists
    /// (they win over gossip.keys), null when it does not yet. A file that is there but is no keyring is refused
    /// here, at start, naming the file: the daemon never runs with a keyring other than the one saved.</summary>
    private (string? File, byte[][]? Keys) KeyringFileOf(string? path)
    {
        const string key = "gossip.keyringFile";
        if (path is null) return (null, null);
        if (!Path.IsPathFullyQualified(path))
        {
            Problem(key, $"'{path}' must be an absolute path");
            return (null, null);
        }
        switch (KeyringFile.TryRead(path, out byte[][] keys, out string problem))
        {
            case KeyringFileStatus.Ok:
                return (path, keys);
            case KeyringFileStatus.Missing:
                string? directory = Path.GetDirectoryName(path);
                if (directory is not null && !Directory.Exists(directory)) Problem(key, $"{path}: directory {directory} does not exist");
                return (path, null);
            default:
                Problem(key, problem);
                return (path, null);
        }
    }

    private static bool TryParseHostPort(string text, int defaultPort, out IpAddr address, out int port)
    {
        port = defaultPort;
        string host = text;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0) { address = default; return false; }
            host = text[1..close];
            if (close + 1 < text.Length && (text[close + 1] != ':' || !int.TryParse(text[(close + 2)..], CultureInfo.InvariantCulture, out port))) { address = default; return false; }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            int colon = text.IndexOf(':');
            host = text[..colon];
            if (!int.TryParse(text[(colon + 1)..], CultureInfo.InvariantCulture, out port)) { address = default; return false; }
        }
        return IpAddr.TryParse(host, out address) && port is >= 1 and <= 65535;
    }
}
