using System.CommandLine;
using Overlay.Cli.Output;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary><c>network show</c>, and <c>network</c> alone.</summary>
internal static class NetworkShowCommand
{
    public static Command Create(CliOptions options)
    {
        var show = new Command("show", "List networks (VNIs)");
        CommandRunner.SetAction(show, options, (_, context, cancellationToken) => ShowAsync(context, cancellationToken));
        var group = new Command("network", "Show networks (VNIs)") { show };
        CommandRunner.SetAction(group, options, (_, context, cancellationToken) => ShowAsync(context, cancellationToken));
        return group;
    }

    private static async Task ShowAsync(CommandContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<NetworkDto> networks = await context.Client.NetworksAsync(cancellationToken).ConfigureAwait(false);
        if (context.Format == OutputFormat.Json)
        {
            JsonOutput.Write(context.Output, networks, ControlJsonContext.Default.IReadOnlyListNetworkDto);
        }
        else
        {
            NetworkText.Write(context.Output, networks);
        }
    }
}
