using System.CommandLine;
using Overlay.Cli.Output;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary><c>stats</c>: packets, bytes and drops per port, per network and on the underlay.</summary>
internal static class StatsCommand
{
    public static Command Create(CliOptions options)
    {
        var command = new Command("stats", "Show packet, byte and drop counters");
        CommandRunner.SetAction(command, options, async (_, context, cancellationToken) =>
        {
            StatsDto stats = await context.Client.StatsAsync(cancellationToken).ConfigureAwait(false);
            if (context.Format == OutputFormat.Json)
            {
                JsonOutput.Write(context.Output, stats, ControlJsonContext.Default.StatsDto);
            }
            else
            {
                StatsText.Write(context.Output, stats);
            }
        });
        return command;
    }
}
