using System.CommandLine;
using Overlay.Cli.Output;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary><c>fdb flush [--vni N] [--network NAME] [--port P] [--dst IP] [--static]</c>; prints how many were removed.</summary>
internal static class FdbFlushCommand
{
    public static Command Create(CliOptions options)
    {
        Option<uint?> vni = FdbOptions.Vni("Only entries of this VNI");
        Option<string?> network = FdbOptions.Network("Only entries of this network");
        Option<string?> port = FdbOptions.Port("Only entries on this local port");
        Option<string?> dst = FdbOptions.Dst("Only entries behind this remote VTEP");
        var includeStatic = new Option<bool>("--static")
        {
            Description = "Also remove static and permanent entries (by default only dynamic ones go)",
        };

        var command = new Command("flush", "Remove forwarding entries") { vni, network, port, dst, includeStatic };
        CommandRunner.SetAction(command, options, async (parseResult, context, cancellationToken) =>
        {
            var filter = new FdbFilter(
                parseResult.GetValue(network),
                parseResult.GetValue(vni),
                parseResult.GetValue(port),
                Mac: null,
                parseResult.GetValue(dst));
            int count = await context.Client.FdbFlushAsync(new FdbFlushDto(filter, parseResult.GetValue(includeStatic)), cancellationToken)
                .ConfigureAwait(false);
            if (context.Format == OutputFormat.Json)
            {
                JsonOutput.Write(context.Output, new CountResultDto(count), ControlJsonContext.Default.CountResultDto);
            }
            else
            {
                context.Output.WriteLine(count == 1 ? "flushed 1 entry" : $"flushed {TextFormat.Number(count)} entries");
            }
        });
        return command;
    }
}
