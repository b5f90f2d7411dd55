using System.Globalization;
using System.Text.Json;
using Overfit.NN;

namespace Overfit.Cli.Infrastructure;

/// <summary>
/// Reads recorded training histories for <c>overfit diagnose --history</c>:
/// a CSV with columns <c>epoch,train_loss,val_loss</c> and optionally <c>train_acc,val_acc</c>; or a JSON file, either a
/// run's metrics.json (every object under "metrics" holding per-epoch "train_loss" and "validation_loss" arrays, as
/// <c>overfit dropout</c> writes them) or one object with "train_loss"/"loss" and "val_loss"/"validation_loss" arrays
/// (a Keras history has this shape); accuracies are read from "train_acc"/"train_accuracy"/"accuracy" and
/// "val_acc"/"val_accuracy"/"validation_accuracy" when present.
/// </summary>
internal static class HistoryFile
{
    /// <summary>The histories in <paramref name="path"/>, each with a name (the file name, or the key under "metrics").</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="FormatException">Missing columns or keys, or cells that are not numbers.</exception>
    /// <exception cref="ArgumentException">A history the criteria cannot use (NaN losses, unequal lengths).</exception>
    public static IReadOnlyList<(string Name, LossHistory History)> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"--history: expected an existing CSV or JSON file, got '{path}' (not found)", path);
        string text = File.ReadAllText(path);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('{')
            ? ParseJson(text, path)
            : [(Path.GetFileNameWithoutExtension(path), ParseCsv(text, path))];
    }

    /// <summary>A history from CSV text with the columns epoch, train_loss, val_loss[, train_acc, val_acc].</summary>
    public static LossHistory ParseCsv(string text, string source = "CSV text")
    {
        var csv = CsvData.Parse(text, source);
        string[] required = ["epoch", "train_loss", "val_loss"];
        var missing = required.Where(c => !csv.Header.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new FormatException($"{source}: expected columns epoch,train_loss,val_loss[,train_acc,val_acc], got [{string.Join(", ", csv.Header)}] (missing {string.Join(", ", missing)})");
        var epochs = Column(csv, "epoch");
        var history = new LossHistory(Column(csv, "train_loss"), Column(csv, "val_loss"), epochs.Select(e => EpochNumber(e, source)).ToArray(),
            csv.Header.Contains("train_acc") ? Column(csv, "train_acc") : null, csv.Header.Contains("val_acc") ? Column(csv, "val_acc") : null);
        return history;
    }

    /// <summary>The histories of a metrics.json document or of one Keras-style history object.</summary>
    public static IReadOnlyList<(string Name, LossHistory History)> ParseJson(string text, string source = "JSON text")
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new FormatException($"{source}: expected a JSON object, got invalid JSON ({e.Message})"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{source}: expected a JSON object, got {root.ValueKind}");
            if (TryHistory(root, source) is { } single) return [(Path.GetFileNameWithoutExtension(source), single)];
            var found = new List<(string, LossHistory)>();
            if (root.TryGetProperty("metrics", out var metrics) && metrics.ValueKind == JsonValueKind.Object)
            {
                if (TryHistory(metrics, source) is { } inMetrics) found.Add((Path.GetFileNameWithoutExtension(source), inMetrics));
                foreach (var property in metrics.EnumerateObject())
                    if (property.Value.ValueKind == JsonValueKind.Object && TryHistory(property.Value, $"{source}: metrics.{property.Name}") is { } h)
                        found.Add((property.Name, h));
            }
            if (found.Count == 0)
                throw new FormatException($"{source}: expected per-epoch \"train_loss\" and \"val_loss\" (or \"validation_loss\") arrays, at the top level or in objects under \"metrics\", got none");
            return found;
        }
    }

    private static LossHistory? TryHistory(JsonElement element, string source)
    {
        var train = Array(element, "train_loss") ?? Array(element, "loss");
        var validation = Array(element, "val_loss") ?? Array(element, "validation_loss");
        if (train is null || validation is null) return null;
        int[]? epochs = Array(element, "epoch")?.Select(e => EpochNumber(e, source)).ToArray();
        return new LossHistory(Numbers(train, source), Numbers(validation, source), epochs,
            (Array(element, "train_acc") ?? Array(element, "train_accuracy") ?? Array(element, "accuracy")) is { } ta ? Numbers(ta, source) : null,
            (Array(element, "val_acc") ?? Array(element, "val_accuracy") ?? Array(element, "validation_accuracy")) is { } va ? Numbers(va, source) : null);
    }

    private static JsonElement[]? Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : null;

    /// <summary>Numbers, with NaN written as "NaN" (metrics.json keeps non-finite values readable) or null read as NaN.</summary>
    private static double[] Numbers(JsonElement[] values, string source) => values.Select((v, i) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.Null => double.NaN,
        JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => throw new FormatException($"{source}: expected a number at index {i}, got {v.GetRawText()}"),
    }).ToArray();

    private static double[] Column(CsvData csv, string name)
    {
        int index = csv.ColumnIndices(name, "--history")[0];
        return csv.Rows.Select((row, i) =>
        {
            var cell = row[index].Trim();
            // NaN is read (the history then names its epoch); anything else that is not a number is a format error.
            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
            throw new FormatException($"{csv.Source}: row {i + 1} (line {i + 2}), column '{name}' expected a number, got '{cell}'");
        }).ToArray();
    }

    private static int EpochNumber(double value, string source) =>
        value == Math.Floor(value) && value is >= 0 and <= int.MaxValue ? (int)value
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source}: expected whole epoch numbers, got {value}"));

    private static int EpochNumber(JsonElement value, string source) => value.ValueKind == JsonValueKind.Number
        ? EpochNumber(value.GetDouble(), source)
        : throw new FormatException($"{source}: expected whole epoch numbers, got {value.GetRawText()}");
}
