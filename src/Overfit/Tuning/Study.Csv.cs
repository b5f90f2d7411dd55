using System.Globalization;
using System.Text;

namespace Overfit.Tuning;

public sealed partial class Study
{
    /// <summary>
    /// Writes the trials as CSV with the columns of Optuna's trials_dataframe: number, value (values_0.. for several
    /// objectives), datetime_start, datetime_complete, duration (seconds), params_*, user_attrs_*, system_attrs_*, state.
    /// </summary>
    public void WriteTrialsCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var trials = GetTrials();
        var paramNames = trials.SelectMany(t => t.Distributions.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var userKeys = trials.SelectMany(t => t.UserAttrs.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var systemKeys = trials.SelectMany(t => t.SystemAttrs.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var header = new List<string> { "number" };
        header.AddRange(IsMultiObjective ? Enumerable.Range(0, Directions.Count).Select(i => $"values_{i}") : ["value"]);
        header.AddRange(["datetime_start", "datetime_complete", "duration"]);
        header.AddRange(paramNames.Select(n => "params_" + n));
        header.AddRange(userKeys.Select(n => "user_attrs_" + n));
        header.AddRange(systemKeys.Select(n => "system_attrs_" + n));
        header.Add("state");
        writer.WriteLine(string.Join(",", header.Select(Quote)));
        foreach (var t in trials)
        {
            var row = new List<string> { t.Number.ToString(CultureInfo.InvariantCulture) };
            for (int i = 0; i < Directions.Count; i++) row.Add(t.Values is { } v ? Cell(v[i]) : "");
            row.Add(t.DatetimeStart?.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) ?? "");
            row.Add(t.DatetimeComplete?.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) ?? "");
            row.Add(t.Duration is { } d ? Cell(d.TotalSeconds) : "");
            var ps = t.Params;
            row.AddRange(paramNames.Select(n => ps.TryGetValue(n, out var p) ? Cell(p) : ""));
            row.AddRange(userKeys.Select(k => t.UserAttrs.TryGetValue(k, out var a) ? Cell(a) : ""));
            row.AddRange(systemKeys.Select(k => t.SystemAttrs.TryGetValue(k, out var a) ? Cell(a) : ""));
            row.Add(t.State.ToString().ToUpperInvariant());
            writer.WriteLine(string.Join(",", row.Select(Quote)));
        }
    }

    /// <summary>Saves <see cref="WriteTrialsCsv"/> to a file through a temporary file and a rename, so a crash never leaves half a file.</summary>
    public void SaveTrialsCsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false))) WriteTrialsCsv(writer);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        _ => AttrJson.Serialize(value),
    };

    private static string Quote(string s)
        => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
