using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary>What a command's action needs: a client for the chosen socket, where to write, and in which format.</summary>
internal sealed class CommandContext(ControlClient client, TextWriter output, OutputFormat format)
{
    public ControlClient Client { get; } = client;

    public TextWriter Output { get; } = output;

    public OutputFormat Format { get; } = format;
}
