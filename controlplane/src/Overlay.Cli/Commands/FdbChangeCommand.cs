using System.CommandLine;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary><c>fdb add|append|replace MAC (--port P | --dst IP) (--vni N | --network NAME) [static|permanent|dynamic]</c>.</summary>
internal static class FdbChangeCommand
{
    public const string Add = "add";
    public const string Append = "append";
    public const string Replace = "replace";

    private static readonly string[] Kinds = ["static", "permanent", "dynamic"];

    public static Command Create(CliOptions options, string op)
    {
        Argument<string?> mac = FdbOptions.MacArgument();
        var kind = new Argument<string>("KIND")
        {
            Description = "static, permanent (the default) or dynamic (ages out)",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "permanent",
        };
        kind.AcceptOnlyFromAmong(Kinds);
        Option<string?> port = FdbOptions.Port("The local port the MAC is behind");
        Option<string?> dst = FdbOptions.Dst("The remote VTEP the MAC is behind");
        Option<uint?> vni = FdbOptions.Vni("The network, by VNI");
        Option<string?> network = FdbOptions.Network("The network, by name");

        var command = new Command(op, Describe(op)) { mac, kind, port, dst, vni, network };
        FdbOptions.RequireExactlyOne(command, port, dst);
        FdbOptions.RequireExactlyOne(command, vni, network);
        CommandRunner.SetAction(command, options, (parseResult, context, cancellationToken) =>
        {
            var change = new FdbChangeDto(
                op,
                FdbOptions.NetworkKey(parseResult, vni, network),
                parseResult.GetValue(mac)!,
                parseResult.GetValue(port),
                parseResult.GetValue(dst),
                parseResult.GetValue(kind) ?? "permanent");
            return context.Client.FdbChangeAsync(change, cancellationToken);
        });
        return command;
    }

    private static string Describe(string op) => op switch
    {
        Add => "Add a forwarding entry; fails if the MAC already has one",
        Append => "Add a destination to the entry (a flood-list VTEP with MAC 00:00:00:00:00:00)",
        Replace => "Add a forwarding entry or replace the MAC's existing one",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not an fdb change verb"),
    };
}
