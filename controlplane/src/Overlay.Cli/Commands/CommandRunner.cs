using System.CommandLine;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary>Runs a command's action against overlayd, turning a daemon-side failure into "Error: ..." and exit code 1.</summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, CliOptions options, Func<ParseResult, CommandContext, CancellationToken, Task> action)
        => command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, options, action, cancellationToken));

    private static async Task<int> RunAsync(
        ParseResult parseResult, CliOptions options, Func<ParseResult, CommandContext, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        var client = new ControlClient(parseResult.GetRequiredValue(options.Socket));
        var context = new CommandContext(client, output, options.GetFormat(parseResult));
        try
        {
            await action(parseResult, context, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (ControlException ex)
        {
            await error.WriteLineAsync("Error: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.DaemonError;
        }
    }
}
