using System.CommandLine;
using Overlay.Cli.Output;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary><c>fdb show [--vni N] [--network NAME] [--port P] [--mac MAC] [--dst IP]</c>.</summary>
internal static class FdbShowCommand
{
    public static Command Create(CliOptions options)
    {
        Option<uint?> vni = FdbOptions.Vni("Only entries of this VNI");
        Option<string?> network = FdbOptions.Network("Only entries of this network");
        Option<string?> port = FdbOptions.Port("Only entries on this local port");
        Option<string?> mac = FdbOptions.Mac("Only entries for this MAC");
        Option<string?> dst = FdbOptions.Dst("Only entries behind this remote VTEP");
        var command = new Command("show", "List forwarding entries") { vni, network, port, mac, dst };
        CommandRunner.SetAction(command, options, (parseResult, context, cancellationToken) =>
        {
            var filter = new FdbFilter(
                parseResult.GetValue(network),
                parseResult.GetValue(vni),
                parseResult.GetValue(port),
                parseResult.GetValue(mac),
                parseResult.GetValue(dst));
            return ShowAsync(context, filter, cancellationToken);
        });
        return command;
    }

    public static async Task ShowAsync(CommandContext context, FdbFilter filter, CancellationToken cancellationToken)
    {
        IReadOnlyList<FdbEntryDto> entries = await context.Client.FdbShowAsync(filter, cancellationToken).ConfigureAwait(false);
        if (context.Format == OutputFormat.Json)
        {
            JsonOutput.Write(context.Output, entries, ControlJsonContext.Default.IReadOnlyListFdbEntryDto);
        }
        else
        {
            FdbText.Write(context.Output, entries);
        }
    }
}
