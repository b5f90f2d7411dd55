using System.CommandLine;
using System.Diagnostics;
using Overfit.Cli.Experiments;
using Spectre.Console;

namespace Overfit.Cli.Infrastructure;

/// <summary>Runs one experiment in its run directory and records the outcome, success or failure.</summary>
internal static class ExperimentRunner
{
    /// <summary>
    /// Runs <paramref name="experiment"/> and writes metrics.json. Exceptions are caught and recorded
    /// (the record says failed); the caller decides how to report them.
    /// </summary>
    public static RunRecord Run(IExperiment experiment, string directory, int seed, BudgetLevel budget, CliOutput output, ParseResult? parse,
        bool writeMetricsOnInputError = true)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var context = new RunContext(experiment.Name, directory, seed, budget, output, parse);
        ExperimentResult result;
        string? error = null;
        bool inputError = false;
        try
        {
            result = experiment.Run(context, new ExperimentBudget(budget));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            result = RunRecord.EmptyResult;
            error = OneLine(ex);
            inputError = Innermost(ex) is ArgumentException or FormatException;
        }
        var record = new RunRecord(experiment.Name, experiment.Description, context.Directory, error is null, error,
            started, clock.Elapsed, context.Settings, context.Notes, result, context.Files) { InputError = inputError };
        // A run refused for its arguments has nothing to record; the caller reports the error and removes the folder.
        if (!inputError || writeMetricsOnInputError) record.WriteMetrics();
        return record;
    }

    /// <summary>Prints the result tables and the list of files of a finished run.</summary>
    public static void PrintSummary(RunRecord record, IAnsiConsole console)
    {
        foreach (var table in record.Result.Tables) console.Write(table.ToSpectreTable());
        // The metrics are printed as a table of their own only when no result table already shows them.
        if (record.Result.Tables.Count == 0 && record.Result.Metrics.Count > 0)
        {
            var metrics = new ResultTable($"{record.Command}: metrics", "metric", "value");
            foreach (var (key, value) in record.Result.Metrics) metrics.AddRow(key, value);
            console.Write(metrics.ToSpectreTable());
        }
        foreach (var figure in record.Result.Figures)
            console.MarkupLine($"figure: {Markup.Escape(Path.Combine(record.RunDirectory, figure.PngPath))} (+ .svg)");
        foreach (var file in record.Files ?? [])
            console.MarkupLine($"data: {Markup.Escape(Path.Combine(record.RunDirectory, file))}");
        console.MarkupLine($"run directory: {Markup.Escape(record.RunDirectory)} (metrics.json)");
    }

    /// <summary>The one-line reason printed as <c>error: ...</c>: the innermost useful message, without newlines.</summary>
    public static string OneLine(Exception ex)
    {
        var inner = Innermost(ex);
        var message = string.IsNullOrWhiteSpace(inner.Message) ? inner.GetType().Name : inner.Message;
        // .NET appends "(Parameter 'x')" and "Actual value was …" to argument errors; the messages here already name
        // the argument and the value, so the suffixes are noise on a console.
        if (inner is ArgumentOutOfRangeException { ActualValue: not null })
        {
            int at = message.LastIndexOf($"{Environment.NewLine}Actual value was ", StringComparison.Ordinal);
            if (at >= 0) message = message[..at];
        }
        if (inner is ArgumentException { ParamName: { } name }) message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        return message.ReplaceLineEndings(" ").Trim();
    }

    private static Exception Innermost(Exception ex)
    {
        var inner = ex is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : ex;
        if (inner is System.Reflection.TargetInvocationException { InnerException: { } target }) inner = target;
        return inner;
    }
}
