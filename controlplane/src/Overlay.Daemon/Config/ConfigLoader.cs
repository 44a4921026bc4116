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

    /// <summary>The binder's messages name keys as "networks:0:vni"; say it as the file does.</summary>
    private static string Describe(InvalidOperationException e)
    {
        string message = e.InnerException is null ? e.Message : $"{e.Message} ({e.GetBaseException().Message})";
        return message.Replace("Error while binding: ", "", StringComparison.Ordinal);
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
