namespace Overlay.Cli.Output;

/// <summary>A plain-text table: a header line, then one line per row, columns padded to their widest cell and two
/// spaces apart, no trailing blanks.</summary>
internal sealed class TextTable
{
    private const string Gap = "  ";
    private readonly TableColumn[] _columns;
    private readonly List<string[]> _rows = [];

    public TextTable(params TableColumn[] columns)
    {
        _columns = columns;
    }

    public void AddRow(params string[] cells)
    {
        if (cells.Length != _columns.Length)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {_columns.Length} columns", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void WriteTo(TextWriter writer)
    {
        int[] widths = new int[_columns.Length];
        for (int c = 0; c < _columns.Length; c++)
        {
            widths[c] = _columns[c].Header.Length;
            foreach (string[] row in _rows)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        WriteLine(writer, widths, Array.ConvertAll(_columns, column => column.Header));
        foreach (string[] row in _rows)
        {
            WriteLine(writer, widths, row);
        }
    }

    private void WriteLine(TextWriter writer, int[] widths, string[] cells)
    {
        var line = new System.Text.StringBuilder();
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                line.Append(Gap);
            }

            bool last = c == cells.Length - 1;
            if (_columns[c].AlignRight)
            {
                line.Append(cells[c].PadLeft(widths[c]));
            }
            else
            {
                line.Append(last ? cells[c] : cells[c].PadRight(widths[c]));
            }
        }

        writer.WriteLine(line.ToString().TrimEnd());
    }
}
