using System.CommandLine;
using Overfit.Plotting;
using Overfit.Tensors;
using Spectre.Console;

namespace Overfit.Cli.Infrastructure;

/// <summary>A figure saved by a run: paths are relative to the run directory.</summary>
internal sealed record FigureRecord(string Name, string Caption, string PngPath, string SvgPath);

/// <summary>
/// Everything one experiment run needs from its surroundings: the run directory, the seed, the
/// console, figure saving and the settings to record in metrics.json.
/// </summary>
internal sealed class RunContext
{
    private readonly Dictionary<string, object?> _settings = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private readonly List<string> _files = [];
    private readonly ParseResult? _parse;

    public RunContext(string name, string directory, int seed, BudgetLevel budget, CliOutput output, ParseResult? parse = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(output);
        Name = name;
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        Seed = seed;
        Budget = budget;
        Output = output;
        _parse = parse;
        RecordSetting("seed", seed);
        RecordSetting("budget", budget.ToString().ToLowerInvariant());
    }

    public string Name { get; }

    /// <summary>Full path of the run directory (already created).</summary>
    public string Directory { get; }

    public int Seed { get; }
    public BudgetLevel Budget { get; }
    public CliOutput Output { get; }

    /// <summary>Where to print tables and notes for people.</summary>
    public IAnsiConsole Console => Output.Human;

    public IReadOnlyDictionary<string, object?> Settings => _settings;

    /// <summary>True when the experiment runs as its own command (with its options); false inside the tour.</summary>
    public bool FromCommandLine => _parse is not null;

    /// <summary>Warnings and remarks shown during the run (e.g. a poorly conditioned fit), kept for the report.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Data files written by the run (relative to the run directory), listed in metrics.json.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>A generator seeded from the run's seed; distinct <paramref name="stream"/>s give independent streams.</summary>
    public Generator CreateGenerator(int stream = 0) => new(unchecked((ulong)Seed * 1_000_003UL + (ulong)stream));

    /// <summary>Records a setting of the run (written to metrics.json and shown in the report).</summary>
    public void RecordSetting(string key, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _settings[key] = value;
    }

    /// <summary>Prints a note for people and keeps it for metrics.json and the report.</summary>
    public void Note(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _notes.Add(message);
        Console.MarkupLine($"[yellow]note:[/] {Markup.Escape(message)}");
    }

    /// <summary>
    /// The value of an experiment option when run as its own command, else <paramref name="fallback"/>
    /// (the tour runs experiments without their command lines).
    /// </summary>
    public T GetOption<T>(Option<T> option, T fallback)
    {
        ArgumentNullException.ThrowIfNull(option);
        if (_parse is null || !_parse.CommandResult.Command.Options.Contains(option)) return fallback;
        return _parse.GetValue(option) ?? fallback;
    }

    /// <summary>Saves <paramref name="figure"/> as name.png and name.svg in the run directory.</summary>
    public FigureRecord SaveFigure(Figure figure, string name, string caption)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var saved = figure.Save(Directory, name);
        return new FigureRecord(name, caption, Path.GetFileName(saved.PngPath), Path.GetFileName(saved.SvgPath));
    }

    /// <summary>Writes <paramref name="table"/> as <c>fileName</c> (CSV) in the run directory, atomically; returns the relative path.</summary>
    public string SaveCsv(ResultTable table, string fileName)
    {
        ArgumentNullException.ThrowIfNull(table);
        var path = PathFor(fileName);
        AtomicFile.WriteAllText(path, CsvWriter.ToCsv(table));
        _files.Add(fileName);
        return fileName;
    }

    /// <summary>Lists a data file the run wrote itself (at <see cref="PathFor"/>) in metrics.json; returns its relative path.</summary>
    public string RecordFile(string fileName)
    {
        if (!File.Exists(PathFor(fileName))) throw new FileNotFoundException($"the run has no file named {fileName}", fileName);
        _files.Add(fileName);
        return fileName;
    }

    /// <summary>
    /// Full path of <paramref name="fileName"/> inside the run directory; a plain file name only, so that
    /// nothing is written outside the run.
    /// </summary>
    public string PathFor(string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (fileName != Path.GetFileName(fileName) || fileName.StartsWith('.'))
            throw new ArgumentException($"fileName: expected a plain file name inside the run directory, got '{fileName}'", nameof(fileName));
        return Path.Combine(Directory, fileName);
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar (or plain lines when output is redirected).</summary>
    public T Track<T>(string label, int total, Func<IProgressTick, T> work) =>
        ProgressReporter.Track(Output, label, total, work);

    public void Track(string label, int total, Action<IProgressTick> work) =>
        ProgressReporter.Track<object?>(Output, label, total, tick => { work(tick); return null; });
}
