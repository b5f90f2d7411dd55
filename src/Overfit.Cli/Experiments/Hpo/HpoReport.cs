using System.Globalization;
using Overfit.Cli.Infrastructure;
using Overfit.Tuning;

namespace Overfit.Cli.Experiments;

/// <summary>
/// The tables, metrics and figures of `overfit hpo` and `overfit hpo compare`, all computed from the studies' stored
/// trials: per method the best parameters and accuracy, trials, training epochs spent and wall time (medians over
/// seeds when there are several), the chapter's table extended with every method, and the figures of
/// <see cref="HpoFigures"/>.
/// </summary>
internal static class HpoReport
{
    /// <summary>The chapter's printed table (Fashion-MNIST, 20 epochs, 5 initial + 80 trials).</summary>
    public static readonly (string Method, double LearningRate, int BatchSize, int Hidden1, int Hidden2, double Accuracy)[] Chapter =
        [("chapter Bayes-Opt", 6e-4, 173, 426, 197, 0.7837), ("chapter BoTorch", 1e-4, 158, 512, 512, 0.8057)];

    /// <summary>
    /// A method's row, the --json shape of `hpo compare` (method, best_accuracy, best_params, trials, epochs_spent,
    /// wall_s, plus pruned and seeds) over its seeds: median best accuracy, epochs and wall time; the parameters of the best seed's best trial.</summary>
    public static Dictionary<string, object?> Row(IReadOnlyList<HpoStudyRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var best = runs.Where(r => r.Best is not null).MaxBy(r => r.BestAccuracy);
        var hp = best?.Best is { } t ? HpoSearch.FromParams(t.Params) : null;
        return new Dictionary<string, object?>
        {
            ["method"] = runs[0].Label,
            ["best_accuracy"] = Median(runs.Select(r => r.BestAccuracy)),
            ["best_params"] = hp is null ? null : new Dictionary<string, object?>
            {
                [HpoSearch.LearningRate] = hp.LearningRate,
                [HpoSearch.BatchSize] = hp.BatchSize,
                [HpoSearch.Hidden1] = hp.Hidden[0],
                [HpoSearch.Hidden2] = hp.Hidden[1],
            },
            ["trials"] = Median(runs.Select(r => (double)r.Finished.Count)),
            ["pruned"] = Median(runs.Select(r => (double)r.Finished.Count(x => x.State == TrialState.Pruned))),
            ["epochs_spent"] = Median(runs.Select(r => (double)r.EpochsSpent)),
            ["wall_s"] = Math.Round(Median(runs.Select(r => r.WallSeconds)), 2),
            ["seeds"] = runs.Count,
            ["best_accuracy_per_seed"] = runs.Select(r => r.BestAccuracy).ToArray(),
            ["studies"] = runs.Select(r => r.StudyName).ToArray(),
        };
    }

    /// <summary>
    /// Tables, figures and the --json rows of <paramref name="runs"/> (grouped by method label, in order of first
    /// appearance); <paramref name="budget"/> says which split the per-epoch values come from.
    /// </summary>
    public static ExperimentResult Write(RunContext context, IReadOnlyList<HpoStudyRun> runs, string dataset, HpoBudget budget, int workers)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(runs);
        var groups = runs.GroupBy(r => r.Label).Select(g => g.ToList()).ToList();
        var rows = groups.Select(Row).ToList();
        bool severalSeeds = groups.Any(g => g.Count > 1);
        var table = new ResultTable($"Hyperparameter search of SimpleNetwork on {dataset}" + (severalSeeds ? " (medians over seeds; parameters of the best seed)" : ""),
            "method", "learning rate", "batch", "hidden 1", "hidden 2", "best accuracy", "trials", "pruned", "epochs spent", "wall (s)");
        foreach (var row in rows)
        {
            var p = row["best_params"] as Dictionary<string, object?>;
            table.AddRow(row["method"], p is null ? "-" : Fmt((double)p[HpoSearch.LearningRate]!, "G3"), p?[HpoSearch.BatchSize] ?? "-", p?[HpoSearch.Hidden1] ?? "-", p?[HpoSearch.Hidden2] ?? "-",
                Fmt((double)row["best_accuracy"]!, "F4"), row["trials"], row["pruned"], row["epochs_spent"], row["wall_s"]);
        }
        var tables = new List<ResultTable> { table, ChapterTable(rows, dataset) };
        string epochSplit = EpochSplit(budget);
        var figures = HpoFigures.Draw(context, groups, dataset, epochSplit);
        var metrics = new Dictionary<string, object?>
        {
            ["rows"] = rows,
            ["workers"] = workers,
            ["intermediate_split"] = epochSplit,
            ["chapter"] = Chapter.Select(c => new Dictionary<string, object?> { ["method"] = c.Method, ["best_accuracy"] = c.Accuracy }).ToList(),
            ["trials"] = runs.Select(r => new Dictionary<string, object?>
            {
                ["method"] = r.Label,
                ["seed"] = r.Seed,
                ["study"] = r.StudyName,
                ["trials"] = r.Trials.Select(t => new Dictionary<string, object?>
                {
                    ["number"] = t.Number,
                    ["state"] = t.State.ToString(),
                    ["value"] = t.Values?[0],
                    ["params"] = t.Params,
                    ["intermediate"] = t.IntermediateValues.Values.ToArray(),
                }).ToList(),
            }).ToList(),
        };
        return new ExperimentResult(metrics, figures, tables, new Dictionary<string, object?> { ["rows"] = rows });
    }

    /// <summary>"validation" or "test": where the per-epoch values of a search with <paramref name="budget"/> come from.</summary>
    public static string EpochSplit(HpoBudget budget) => budget.ValidationFraction > 0 ? "validation" : "test";

    /// <summary>The chapter's table layout (parameters as rows, methods as columns) with this run's methods beside the chapter's two.</summary>
    private static ResultTable ChapterTable(IReadOnlyList<Dictionary<string, object?>> rows, string dataset)
    {
        var columns = new List<string> { "best parameters" };
        columns.AddRange(Chapter.Select(c => c.Method));
        columns.AddRange(rows.Select(r => (string)r["method"]!));
        var table = new ResultTable($"The chapter's table (its runs: Fashion-MNIST, 20 epochs, 5 + 80 trials) beside this run's on {dataset}", [.. columns]);
        object?[] Line(string name, Func<(string, double, int, int, int, double), object?> chapter, Func<Dictionary<string, object?>?, object?> ours)
            => [name, .. Chapter.Select(c => chapter(c)), .. rows.Select(r => ours(r["best_params"] as Dictionary<string, object?>))];
        table.AddRow(Line("learning rate", c => Fmt(c.Item2, "G3"), p => p is null ? "-" : Fmt((double)p[HpoSearch.LearningRate]!, "G3")));
        table.AddRow(Line("batch size", c => c.Item3, p => p?[HpoSearch.BatchSize] ?? "-"));
        table.AddRow(Line("hidden 1", c => c.Item4, p => p?[HpoSearch.Hidden1] ?? "-"));
        table.AddRow(Line("hidden 2", c => c.Item5, p => p?[HpoSearch.Hidden2] ?? "-"));
        table.AddRow([.. new object?[] { "accuracy" }, .. Chapter.Select(c => (object?)Fmt(c.Accuracy, "F4")), .. rows.Select(r => (object?)Fmt((double)r["best_accuracy"]!, "F4"))]);
        return table;
    }

    /// <summary>NumPy's median (the mean of the middle two for an even count); NaN for no finite value.</summary>
    internal static double Median(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : BayesOptExperiment.QuantileOf(finite, 0.5);
    }

    private static string Fmt(double v, string format) => double.IsNaN(v) ? "-" : v.ToString(format, CultureInfo.InvariantCulture);
}
