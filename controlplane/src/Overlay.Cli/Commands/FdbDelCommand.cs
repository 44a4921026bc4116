using System.CommandLine;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary><c>fdb del MAC [--dst IP] (--vni N | --network NAME)</c>.</summary>
internal static class FdbDelCommand
{
    public const string Op = "del";

    public static Command Create(CliOptions options)
    {
        Argument<string?> mac = FdbOptions.MacArgument();
        Option<string?> dst = FdbOptions.Dst("Delete only the destination behind this remote VTEP");
        Option<uint?> vni = FdbOptions.Vni("The network, by VNI");
        Option<string?> network = FdbOptions.Network("The network, by name");

        var command = new Command(Op, "Delete a forwarding entry") { mac, dst, vni, network };
        FdbOptions.RequireExactlyOne(command, vni, network);
        CommandRunner.SetAction(command, options, (parseResult, context, cancellationToken) =>
        {
            var change = new FdbChangeDto(
                Op,
                FdbOptions.NetworkKey(parseResult, vni, network),
                parseResult.GetValue(mac)!,
                Port: null,
                parseResult.GetValue(dst));
            return context.Client.FdbChangeAsync(change, cancellationToken);
        });
        return command;
    }
}
