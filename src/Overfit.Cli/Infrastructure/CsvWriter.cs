using System.Text;

namespace Overfit.Cli.Infrastructure;

/// <summary>Comma-separated text with RFC 4180 quoting; cells are formatted invariantly by <see cref="ResultTable.Format"/>.</summary>
internal static class CsvWriter
{
    public static string ToCsv(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        AppendLine(text, columns);
        int index = 0;
        foreach (var row in rows)
        {
            if (row.Count != columns.Count)
                throw new ArgumentException($"rows: row {index} expected {columns.Count} cells, got {row.Count}", nameof(rows));
            AppendLine(text, row);
            index++;
        }
        return text.ToString();
    }

    public static string ToCsv(ResultTable table) => ToCsv(table.Columns, table.Rows);

    private static void AppendLine(StringBuilder text, IReadOnlyList<string> cells)
    {
        for (int i = 0; i < cells.Count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(Quote(cells[i]));
        }
        text.Append('\n');
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
