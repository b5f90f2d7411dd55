using System.Globalization;
using Spectre.Console;

namespace Overfit.Cli.Infrastructure;

/// <summary>A titled table of text cells: printed at the end of a run and embedded in reports.</summary>
internal sealed class ResultTable
{
    private readonly List<string[]> _rows = [];

    public ResultTable(string title, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(title);
        if (columns is null || columns.Length == 0)
            throw new ArgumentException($"columns: expected at least one column for table '{title}', got none", nameof(columns));
        Title = title;
        Columns = columns;
    }

    public string Title { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<IReadOnlyList<string>> Rows => _rows;

    /// <summary>Adds a row; numbers are formatted invariantly with <see cref="Format"/>.</summary>
    public ResultTable AddRow(params object?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"cells: table '{Title}' expected {Columns.Count} cells, got {cells.Length}", nameof(cells));
        _rows.Add(cells.Select(Format).ToArray());
        return this;
    }

    /// <summary>Invariant, compact text for a cell: doubles with 6 significant digits, arrays in brackets.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        double[] array => "[" + string.Join(", ", array.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public Table ToSpectreTable()
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(Title)) };
        foreach (var column in Columns) table.AddColumn(Markup.Escape(column));
        foreach (var row in _rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        return table;
    }
}
