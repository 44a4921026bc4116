using System.CommandLine;
using Overlay.Cli.Output;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary><c>endpoints [--vni N] [--network NAME]</c>: the gossip endpoint table; the filters apply here, not in overlayd.</summary>
internal static class EndpointsCommand
{
    public static Command Create(CliOptions options)
    {
        Option<uint?> vni = FdbOptions.Vni("Only endpoints of this VNI");
        Option<string?> network = FdbOptions.Network("Only endpoints of this network");
        var command = new Command("endpoints", "List the gossip endpoint table") { vni, network };
        CommandRunner.SetAction(command, options, (parseResult, context, cancellationToken)
            => ShowAsync(context, parseResult.GetValue(vni), parseResult.GetValue(network), cancellationToken));
        return command;
    }

    private static async Task ShowAsync(CommandContext context, uint? vni, string? network, CancellationToken cancellationToken)
    {
        IReadOnlyList<EndpointDto> all = await context.Client.EndpointsAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<EndpointDto> endpoints = Filter(all, vni, network);
        if (context.Format == OutputFormat.Json)
        {
            JsonOutput.Write(context.Output, endpoints, ControlJsonContext.Default.IReadOnlyListEndpointDto);
        }
        else
        {
            EndpointText.Write(context.Output, endpoints);
        }
    }

    /// <summary>The endpoints matching both filters, in the daemon's order; null means any.</summary>
    public static IReadOnlyList<EndpointDto> Filter(IReadOnlyList<EndpointDto> endpoints, uint? vni, string? network)
    {
        if (vni is null && network is null)
        {
            return endpoints;
        }

        var matching = new List<EndpointDto>(endpoints.Count);
        foreach (EndpointDto endpoint in endpoints)
        {
            if ((vni is null || endpoint.Vni == vni) && (network is null || string.Equals(endpoint.Network, network, StringComparison.Ordinal)))
            {
                matching.Add(endpoint);
            }
        }

        return matching;
    }
}
