using System.Globalization;
using System.Text;

namespace Overfit.Cli.Infrastructure;

/// <summary>
/// A comma-separated file with a header row, read whole (RFC 4180 quoting), for commands that take
/// the user's own data (e.g. <c>--csv FILE --x COLS --y COL</c>). Numbers are parsed invariantly.
/// </summary>
internal sealed class CsvData
{
    private CsvData(string source, string[] header, List<string[]> rows)
    {
        Source = source;
        Header = header;
        Rows = rows;
    }

    /// <summary>Where the data came from, for messages.</summary>
    public string Source { get; }
    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<string[]> Rows { get; }

    public static CsvData Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"--csv: expected an existing CSV file, got '{path}' (not found)", path);
        return Parse(File.ReadAllText(path), path);
    }

    public static CsvData Parse(string text, string source = "CSV text")
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = SplitRecords(text, source);
        if (records.Count == 0) throw new FormatException($"{source}: expected a header row, got an empty file");
        var header = records[0].Select(h => h.Trim()).ToArray();
        var rows = new List<string[]>(records.Count - 1);
        for (int i = 1; i < records.Count; i++)
        {
            if (records[i].Length == 1 && records[i][0].Length == 0) continue; // blank line
            if (records[i].Length != header.Length)
                throw new FormatException($"{source}: line {i + 1} expected {header.Length} fields like the header, got {records[i].Length}");
            rows.Add(records[i]);
        }
        return new CsvData(source, header, rows);
    }

    /// <summary>
    /// Column positions for a comma-separated list of header names or 0-based indices, e.g. "x1,x2" or "0,1".
    /// <paramref name="optionName"/> names the option in messages.
    /// </summary>
    public int[] ColumnIndices(string spec, string optionName)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException($"{optionName}: expected one or more column names or indices, got '{spec}'");
        return parts.Select(part =>
        {
            int byName = Array.FindIndex(Header.ToArray(), h => string.Equals(h, part, StringComparison.Ordinal));
            if (byName >= 0) return byName;
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < Header.Count) return index;
            throw new ArgumentException($"{optionName}: expected a column name among [{string.Join(", ", Header)}] or an index below {Header.Count}, got '{part}'");
        }).ToArray();
    }

    /// <summary>
    /// The selected columns as finite numbers, one row per record: shape [rows, columns.Length]. Messages name data rows
    /// from 1 (the first row after the header) with the file's line number, the same way everywhere.
    /// </summary>
    public double[,] Numbers(int[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var values = new double[Rows.Count, columns.Length];
        for (int i = 0; i < Rows.Count; i++)
        {
            for (int j = 0; j < columns.Length; j++)
            {
                var cell = Rows[i][columns[j]].Trim();
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i, j]))
                    throw new FormatException($"{Source}: row {i + 1} (line {i + 2}), column '{Header[columns[j]]}' expected a number, got '{cell}'");
                if (!double.IsFinite(values[i, j]))
                    throw new FormatException($"{Source}: row {i + 1} (line {i + 2}), column '{Header[columns[j]]}' expected a finite number, got '{cell}'");
            }
        }
        return values;
    }

    private static List<string[]> SplitRecords(string text, string source)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            any = true;
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields.ToArray());
                fields.Clear();
                any = false;
            }
            else field.Append(c);
        }
        if (quoted) throw new FormatException($"{source}: expected a closing quote, got the end of the file");
        if (any)
        {
            fields.Add(field.ToString());
            records.Add(fields.ToArray());
        }
        // A leading byte-order mark belongs to the encoding, not to the first column's name.
        if (records.Count > 0 && records[0].Length > 0) records[0][0] = records[0][0].TrimStart('\uFEFF');
        return records;
    }
}
