using System.CommandLine;
using Overlay.Cli.Output;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary><c>port show</c>, and <c>port</c> alone.</summary>
internal static class PortShowCommand
{
    public static Command Create(CliOptions options)
    {
        var show = new Command("show", "List local ports");
        CommandRunner.SetAction(show, options, (_, context, cancellationToken) => ShowAsync(context, cancellationToken));
        var group = new Command("port", "Show local ports (TAP devices)") { show };
        CommandRunner.SetAction(group, options, (_, context, cancellationToken) => ShowAsync(context, cancellationToken));
        return group;
    }

    private static async Task ShowAsync(CommandContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<PortDto> ports = await context.Client.PortsAsync(cancellationToken).ConfigureAwait(false);
        if (context.Format == OutputFormat.Json)
        {
            JsonOutput.Write(context.Output, ports, ControlJsonContext.Default.IReadOnlyListPortDto);
        }
        else
        {
            PortText.Write(context.Output, ports);
        }
    }
}
