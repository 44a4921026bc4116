using System.CommandLine;
using Overlay.Control;

namespace Overlay.Cli;

/// <summary>The options every command accepts, before or after the verb.</summary>
internal sealed class CliOptions
{
    public CliOptions(Func<string?> environmentSocket)
    {
        Socket = new Option<string>("--socket", "-s")
        {
            Description = $"Path of overlayd's control socket (also ${ControlProtocol.SocketEnvironmentVariable})",
            HelpName = "PATH",
            Recursive = true,
            DefaultValueFactory = _ => environmentSocket() is { Length: > 0 } path ? path : ControlProtocol.DefaultSocketPath,
        };
        Socket.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("invalid socket path '': give the path of overlayd's control socket");
            }
        });

        Output = new Option<string>("--output", "-o")
        {
            Description = "Output format",
            HelpName = "text|json",
            Recursive = true,
            DefaultValueFactory = _ => "text",
        };
        Output.AcceptOnlyFromAmong("text", "json");
    }

    public Option<string> Socket { get; }

    public Option<string> Output { get; }

    public OutputFormat GetFormat(ParseResult parseResult)
        => parseResult.GetValue(Output) == "json" ? OutputFormat.Json : OutputFormat.Text;
}
