using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Overfit.Cli.Experiments;
using Overfit.Plotting;

namespace Overfit.Cli.Infrastructure;

/// <summary>The outcome of one experiment run, as written to metrics.json and shown in reports.</summary>
internal sealed record RunRecord(
    string Command,
    string Description,
    string RunDirectory,
    bool Succeeded,
    string? Error,
    DateTime StartedUtc,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, object?> Settings,
    IReadOnlyList<string> Notes,
    ExperimentResult Result,
    IReadOnlyList<string>? Files = null)
{
    /// <summary>True when the run failed on its input (an argument error) before doing any work worth keeping.</summary>
    public bool InputError { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        // NaN and infinities can be honest results (e.g. a diverged fit); keep them readable.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The metrics.json document: one object with settings, metrics, figures and tables.</summary>
    public Dictionary<string, object?> ToDocument()
    {
        var document = Document();
        foreach (var (key, value) in Result.TopLevel ?? new Dictionary<string, object?>()) document.TryAdd(key, value);
        return document;
    }

    private Dictionary<string, object?> Document() => new()
    {
        ["command"] = Command,
        ["status"] = Succeeded ? "ok" : "failed",
        ["error"] = Error,
        ["run_dir"] = RunDirectory,
        ["started_utc"] = StartedUtc.ToString("O"),
        ["elapsed_s"] = Math.Round(Elapsed.TotalSeconds, 3),
        ["settings"] = Settings,
        ["metrics"] = Result.Metrics,
        ["notes"] = Notes,
        ["files"] = Files ?? [],
        ["figures"] = Result.Figures.Select(f => new Dictionary<string, string> { ["name"] = f.Name, ["caption"] = f.Caption, ["png"] = f.PngPath, ["svg"] = f.SvgPath }).ToList(),
        ["tables"] = Result.Tables.Select(t => new Dictionary<string, object> { ["title"] = t.Title, ["columns"] = t.Columns, ["rows"] = t.Rows }).ToList(),
    };

    public string ToJson() => JsonSerializer.Serialize(ToDocument(), JsonOptions);

    /// <summary>Writes metrics.json into the run directory atomically and returns its path.</summary>
    public string WriteMetrics()
    {
        var path = Path.Combine(RunDirectory, "metrics.json");
        AtomicFile.WriteAllText(path, ToJson() + "\n");
        return path;
    }

    public static ExperimentResult EmptyResult { get; } = new(new Dictionary<string, object?>(), [], []);
}
