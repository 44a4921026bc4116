namespace Overlay.Cli.Output;

/// <summary>A column of a <see cref="TextTable"/>; numbers read best aligned right.</summary>
internal readonly record struct TableColumn(string Header, bool AlignRight = false)
{
    public static TableColumn Right(string header) => new(header, AlignRight: true);

    public static implicit operator TableColumn(string header) => new(header);
}
