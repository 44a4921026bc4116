using System.Net.NetworkInformation;
using Microsoft.Extensions.Configuration;
using Overlay.Packets;

namespace Overlay.Daemon.Config;

/// <summary>Reads the config file (JSON), binds it strictly (an unknown key is an error) and validates it.</summary>
public static class ConfigLoader
{
    public static DaemonConfig Load(string path, Func<IpAddr, int?>? mtuOf = null)
    {
        if (!File.Exists(path)) throw new ConfigException([$"{path}: no such file"]);
        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false).Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            throw new ConfigException([$"{path}: {e.InnerException?.Message ?? e.Message}"]);
        }
        var options = new OverlayOptions();
        try
        {
            root.Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigException([Describe(e)]);
        }
        return new ConfigValidator(mtuOf ?? InterfaceMtu).Validate(options);
    }

    /// <summary>The binder names options types ("...not found on the instance of ...EndpointOptions: 'macaddres'");
    /// say where that is in the file instead.</summary>
    private static string Describe(InvalidOperationException e)
    {
        // The key is named by one exception of the chain, the cause by another: read them all.
        var parts = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException) parts.Add(x.Message);
        string message = string.Join(" | ", parts);
        var unknown = System.Text.RegularExpressions.Regex.Match(message, @"instance of ([\w.]+)'?:\s*'([^']+)'");
        if (unknown.Success)
        {
            string section = unknown.Groups[1].Value.Split('.')[^1] switch
            {
                nameof(OverlayOptions) => "(top level)",
                nameof(NodeOptions) => "node",
                nameof(UnderlayOptions) => "underlay",
                nameof(ControlOptions) => "control",
                nameof(DataplaneOptions) => "dataplane",
                nameof(GossipSection) => "gossip",
                nameof(NetworkOptions) => "networks[]",
                nameof(EndpointOptions) => "networks[].endpoints[]",
                var other => other,
            };
            var keys = unknown.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return $"{section}: unknown key{(keys.Length > 1 ? "s" : "")} {string.Join(", ", keys.Select(k => $"'{k}'"))}";
        }
        var convert = System.Text.RegularExpressions.Regex.Match(message, @"value '([^']*)' at '([^']+)' to type '([^']+)'");
        if (convert.Success)
        {
            string key = string.Join('.', convert.Groups[2].Value.Split(':').Select(k => k.Length > 0 && char.IsDigit(k[0]) ? $"[{k}]" : char.ToLowerInvariant(k[0]) + k[1..])).Replace(".[", "[");
            string type = convert.Groups[3].Value.Split('.')[^1].TrimEnd('`', '1', ']').Replace("Nullable", "") switch
            {
                var t when t.Contains("Int", StringComparison.Ordinal) => "whole number",
                var t when t.Contains("Boolean", StringComparison.Ordinal) => "boolean (true or false)",
                var t => t,
            };
            return $"{key}: '{convert.Groups[1].Value}' is not a {type}";
        }
        return e.GetBaseException().Message;
    }

    /// <summary>The MTU of the interface that holds <paramref name="address"/> in this network namespace.</summary>
    public static int? InterfaceMtu(IpAddr address)
    {
        var ip = address.ToIPAddress();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            var props = nic.GetIPProperties();
            if (!props.UnicastAddresses.Any(u => u.Address.Equals(ip))) continue;
            try
            {
                return address.IsV4 ? props.GetIPv4Properties().Mtu : props.GetIPv6Properties().Mtu;
            }
            catch (NetworkInformationException)
            {
                return null;
            }
        }
        return null;
    }
}
