namespace Overlay.Cli;

internal enum OutputFormat
{
    Text,
    Json,
}
