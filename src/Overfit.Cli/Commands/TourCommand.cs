using System.CommandLine;
using System.Text.Json;
using Overfit.Cli.Experiments;
using Overfit.Cli.Infrastructure;
using Overfit.Cli.Reporting;
using Spectre.Console;

namespace Overfit.Cli.Commands;

/// <summary>
/// <c>overfit tour</c>: every registered experiment on a small budget, each in its own folder of the
/// run directory, then one self-contained HTML report (report.html) and a summary metrics.json.
/// </summary>
internal static class TourCommand
{
    public const string ReportFileName = "report.html";

    public static Command Create() => Create(() => ExperimentRegistry.All);

    /// <summary>A tour over <paramref name="experiments"/> (tests pass their own list).</summary>
    public static Command Create(Func<IReadOnlyList<IExperiment>> experiments)
    {
        var command = new Command("tour", "Run every experiment of the chapter on a small budget and write one HTML report with all figures and tables");
        var common = new CommonOptions(BudgetLevel.Quick);
        common.AddTo(command);
        var only = new Option<string[]>("--only")
        {
            Description = "Run only these experiments (names as in `overfit --help`, e.g. --only batchnorm)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "NAME",
        };
        command.Options.Add(only);
        command.SetAction(parse =>
        {
            var settings = common.Read(parse, "tour");
            var output = CliOutput.From(parse, settings.Json);
            var json = settings.Json ? new JsonOutput(output.Stdout) : null;
            return CommandGuard.Run(output.Stderr, () => Run(experiments(), parse.GetValue(only) ?? [], settings, output, json), json, "tour");
        });
        return command;
    }

    private static int Run(IReadOnlyList<IExperiment> all, string[] only, RunSettings settings, CliOutput output, JsonOutput? json)
    {
        var selected = Select(all, only);
        using var folder = RunDirectory.Create(settings.OutDirectory, "tour", DateTime.UtcNow);
        var directory = folder.Path;
        var records = new List<RunRecord>(selected.Count);
        for (int i = 0; i < selected.Count; i++)
        {
            var experiment = selected[i];
            output.Human.MarkupLine($"[bold]({i + 1}/{selected.Count}) overfit {Markup.Escape(experiment.Name)}[/]");
            var record = ExperimentRunner.Run(experiment, Path.Combine(directory, RunDirectory.Slug(experiment.Name)),
                settings.Seed, settings.Budget, output, parse: null);
            if (!record.Succeeded) output.Stderr.WriteLine($"error: {experiment.Name}: {record.Error}");
            records.Add(record);
        }

        var reportPath = Path.Combine(directory, ReportFileName);
        HtmlReport.Write(reportPath, "Overfit tour: overfitting and its remedies", records, DateTime.UtcNow,
            new Dictionary<string, object?> { ["seed"] = settings.Seed, ["budget"] = settings.Budget.ToString().ToLowerInvariant() });
        var summary = Summary(records, directory, reportPath, settings);
        AtomicFileJson(Path.Combine(directory, "metrics.json"), summary);
        json?.Write(JsonSerializer.Serialize(summary, RunRecord.JsonOptions));

        var table = new ResultTable("Tour", "experiment", "status", "time (s)", "figures", "folder");
        foreach (var r in records)
            table.AddRow(r.Command, r.Succeeded ? "ok" : "failed", Math.Round(r.Elapsed.TotalSeconds, 1), r.Result.Figures.Count, Path.GetFileName(r.RunDirectory));
        output.Human.Write(table.ToSpectreTable());
        output.Human.MarkupLine($"report: {Markup.Escape(reportPath)}");
        int failed = records.Count(r => !r.Succeeded);
        if (failed > 0)
        {
            output.Stderr.WriteLine($"error: {failed} of {records.Count} experiments failed (see {reportPath})");
            return CommandGuard.FailureExitCode;
        }
        return 0;
    }

    private static IReadOnlyList<IExperiment> Select(IReadOnlyList<IExperiment> all, string[] only)
    {
        if (only.Length == 0) return all;
        var unknown = only.Where(name => all.All(e => e.Name != name)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"--only: expected experiment names among [{string.Join(", ", all.Select(e => e.Name))}], got unknown '{string.Join("', '", unknown)}'");
        return all.Where(e => only.Contains(e.Name)).ToList();
    }

    private static Dictionary<string, object?> Summary(List<RunRecord> records, string directory, string reportPath, RunSettings settings) => new()
    {
        ["command"] = "tour",
        ["status"] = records.All(r => r.Succeeded) ? "ok" : "failed",
        ["run_dir"] = directory,
        ["report"] = reportPath,
        ["settings"] = new Dictionary<string, object?> { ["seed"] = settings.Seed, ["budget"] = settings.Budget.ToString().ToLowerInvariant() },
        ["experiments"] = records.Select(r => r.ToDocument()).ToList(),
    };

    private static void AtomicFileJson(string path, object document) =>
        Overfit.Plotting.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(document, RunRecord.JsonOptions) + "\n");
}
