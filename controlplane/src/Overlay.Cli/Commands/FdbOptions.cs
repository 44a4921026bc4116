using System.CommandLine;
using Overlay.Cli.Parsing;

namespace Overlay.Cli.Commands;

/// <summary>Builds the options the fdb verbs share; each command gets its own instances.</summary>
internal static class FdbOptions
{
    public static Argument<string?> MacArgument() => new("MAC")
    {
        Description = "Ethernet address, aa:bb:cc:dd:ee:ff",
        CustomParser = ValueParsers.ParseMac,
    };

    public static Option<string?> Mac(string description) => new("--mac")
    {
        Description = description,
        HelpName = "MAC",
        CustomParser = ValueParsers.ParseMac,
    };

    public static Option<uint?> Vni(string description) => new("--vni")
    {
        Description = description,
        HelpName = "N",
        CustomParser = ValueParsers.ParseVni,
    };

    public static Option<string?> Network(string description) => new("--network")
    {
        Description = description,
        HelpName = "NAME",
    };

    public static Option<string?> Port(string description) => new("--port")
    {
        Description = description,
        HelpName = "PORT",
    };

    public static Option<string?> Dst(string description) => new("--dst")
    {
        Description = description,
        HelpName = "IP",
        CustomParser = ValueParsers.ParseAddress,
    };

    /// <summary>Requires exactly one of the two options on <paramref name="command"/>.</summary>
    public static void RequireExactlyOne(Command command, Option first, Option second)
    {
        command.Validators.Add(result =>
        {
            bool hasFirst = result.GetResult(first) is { Implicit: false };
            bool hasSecond = result.GetResult(second) is { Implicit: false };
            if (hasFirst == hasSecond)
            {
                result.AddError(hasFirst
                    ? $"{first.Name} and {second.Name} cannot be used together; give one"
                    : $"{first.Name} or {second.Name} is required");
            }
        });
    }

    /// <summary>The network as FdbChangeDto names it: by name, or by VNI in decimal.</summary>
    public static string NetworkKey(ParseResult parseResult, Option<uint?> vni, Option<string?> network)
        => parseResult.GetValue(network) is { } name
            ? name
            : parseResult.GetValue(vni)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
