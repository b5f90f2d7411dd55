using Overfit.Cli.Infrastructure;
using Overfit.Plotting;
using Overfit.Tuning;

namespace Overfit.Cli.Experiments;

/// <summary>
/// The figures of an HPO run, drawn from the stored trials: best accuracy so far against trials (median and
/// interquartile range over seeds) and against wall time, a parallel-coordinates plot of every complete trial, a slice
/// plot per parameter, fANOVA importance bars, and the per-epoch accuracy of every trial (on the split pruners saw:
/// validation or test) with pruned trials marked.
/// </summary>
internal static class HpoFigures
{
    private static readonly string[] Parameters = [HpoSearch.LearningRate, HpoSearch.BatchSize, HpoSearch.Hidden1, HpoSearch.Hidden2];

    /// <summary>
    /// Draws and saves every figure; <paramref name="groups"/> holds each method's runs (one per seed) and
    /// <paramref name="epochSplit"/> names the split of the per-epoch accuracies ("validation" or "test").
    /// </summary>
    public static List<FigureRecord> Draw(RunContext context, IReadOnlyList<List<HpoStudyRun>> groups, string dataset, string epochSplit)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(groups);
        var figures = new List<FigureRecord>();
        int seeds = groups.Max(g => g.Count);
        figures.Add(context.SaveFigure(BestSoFar(groups, dataset), "hpo-best-so-far",
            seeds > 1 ? $"Best test accuracy so far against trials (median and interquartile range over {seeds} seeds) and against wall time (each seed)"
                      : "Best test accuracy so far against trials and against wall time"));
        var complete = groups.SelectMany(g => g).SelectMany(r => r.Complete.Select(t => (Run: r, Trial: t))).ToList();
        var bounds = HpoSearch.Bounds(dataset);
        if (complete.Count > 0)
        {
            var parallel = new Figure(1, 1, 1100, 560);
            parallel.Panel(0).ParallelCoordinates($"All complete trials ({complete.Count}) on {dataset}",
                [.. Parameters.Select(p => (p, bounds[p].Low, bounds[p].High)), ("accuracy", Math.Min(complete.Min(c => c.Trial.Values![0]), complete.Max(c => c.Trial.Values![0]) - 1e-3), complete.Max(c => c.Trial.Values![0]))],
                complete.Select(c => new CoordinateLine([.. Parameters.Select(p => Value(c.Trial, p)), c.Trial.Values![0]], c.Trial.Values![0])).ToList(), "test accuracy");
            figures.Add(context.SaveFigure(parallel, "hpo-parallel-coordinates", "Parallel coordinates of every complete trial of every method, coloured by test accuracy"));

            var slices = new Figure(2, 2, 640, 440);
            for (int i = 0; i < Parameters.Length; i++)
                slices.Panel(i).Scatter($"slice: {Parameters[i]}", Parameters[i], "test accuracy",
                    groups.Select(g => new Series(g[0].Label, [.. g.SelectMany(r => r.Complete).Select(t => Value(t, Parameters[i]))], [.. g.SelectMany(r => r.Complete).Select(t => t.Values![0])])));
            figures.Add(context.SaveFigure(slices, "hpo-slices", "Slice plots: test accuracy of every complete trial against each parameter, by method"));
        }
        if (Importance(groups, out var categories, out var bars))
        {
            var importance = new Figure(1, 1, 900, 500);
            importance.Panel(0).GroupedBars("Hyperparameter importance (fANOVA, share of the accuracy's variance)", "importance", categories, bars);
            figures.Add(context.SaveFigure(importance, "hpo-importance", "fANOVA importance of each parameter for the test accuracy: every method's complete trials together and each method's own"));
        }
        figures.Add(context.SaveFigure(Intermediate(groups, epochSplit), "hpo-intermediate",
            $"{char.ToUpperInvariant(epochSplit[0])}{epochSplit[1..]} accuracy after each epoch of every trial (what the pruner saw); pruned trials end with a cross"));
        return figures;
    }

    private static Figure BestSoFar(IReadOnlyList<List<HpoStudyRun>> groups, string dataset)
    {
        var figure = new Figure(1, 2, 780, 520);
        var bands = new List<BandSeries>();
        foreach (var g in groups)
        {
            var curves = g.Select(r => r.BestSoFar()).Where(c => c.Length > 0).ToList();
            if (curves.Count == 0) continue;
            int n = curves.Min(c => c.Length);
            var x = Enumerable.Range(1, n).Select(i => (double)i).ToArray();
            double Q(int i, double q) => HpoReport.Median(curves.Select(c => c[i])) is var m && double.IsNaN(m) ? double.NaN
                : BayesOptExperiment.QuantileOf([.. curves.Select(c => c[i]).Where(double.IsFinite)], q);
            var keep = Enumerable.Range(0, n).Where(i => double.IsFinite(Q(i, 0.5))).ToArray();
            if (keep.Length == 0) continue;
            bands.Add(new BandSeries(g.Count > 1 ? $"{g[0].Label} (median, IQR)" : g[0].Label, [.. keep.Select(i => x[i])], [.. keep.Select(i => Q(i, 0.5))],
                [.. keep.Select(i => Q(i, 0.25))], [.. keep.Select(i => Q(i, 0.75))]));
        }
        if (bands.Count > 0) figure.Panel(0).LinesWithBands($"{dataset}: best test accuracy so far", "finished trial", "best test accuracy", bands, markers: true);
        var lines = new List<Series>();
        foreach (var g in groups)
            foreach (var r in g)
            {
                var (seconds, best) = r.BestSoFarOverTime();
                if (seconds.Length > 0) lines.Add(new Series(g.Count > 1 ? $"{r.Label} seed {r.Seed}" : r.Label, seconds, best));
            }
        if (lines.Count > 0) figure.Panel(1).Lines($"{dataset}: best test accuracy against wall time", "seconds since the study's first trial", "best test accuracy", lines, markers: true);
        return figure;
    }

    /// <summary>fANOVA over every complete trial, and over each method's own when it has at least 4.</summary>
    private static bool Importance(IReadOnlyList<List<HpoStudyRun>> groups, out string[] categories, out List<BarSeries> bars)
    {
        categories = Parameters;
        bars = [];
        var all = groups.SelectMany(g => g).SelectMany(r => r.Complete).ToList();
        if (all.Count < 2) return false;
        bars.Add(new BarSeries("all methods", Evaluate(all)));
        foreach (var g in groups)
        {
            var own = g.SelectMany(r => r.Complete).ToList();
            if (own.Count >= 4 && groups.Count > 1) bars.Add(new BarSeries(g[0].Label, Evaluate(own)));
        }
        return true;
    }

    /// <summary>fANOVA importances of the four parameters over <paramref name="trials"/>, through a study holding copies of them.</summary>
    private static double[] Evaluate(IReadOnlyList<FrozenTrial> trials)
    {
        var study = Study.Create(direction: StudyDirection.Maximize);
        foreach (var t in trials) study.AddTrial(t with { Number = -1, TrialId = -1 });
        var importance = Tuning.Importance.Get(study, new FanovaImportanceEvaluator(seed: 0), Parameters, normalize: true);
        return Parameters.Select(p => importance.TryGetValue(p, out var v) ? v : 0).ToArray();
    }

    private static Figure Intermediate(IReadOnlyList<List<HpoStudyRun>> groups, string epochSplit)
    {
        int columns = groups.Count == 4 ? 2 : Math.Min(groups.Count, 3), rows = (groups.Count + columns - 1) / columns;
        var figure = new Figure(rows, columns, 640, 440);
        for (int i = groups.Count; i < rows * columns; i++) figure.Panel(i).HideAxesAndGrid(); // no empty axes in a partly filled last row
        for (int i = 0; i < groups.Count; i++)
        {
            var curves = groups[i].SelectMany(r => r.Finished).Select(t => new TrialCurve(
                [.. t.IntermediateValues.Keys.Select(k => (double)k)], [.. t.IntermediateValues.Values], t.State == TrialState.Pruned)).ToList();
            figure.Panel(i).TrialCurves($"{groups[i][0].Label}: {epochSplit} accuracy per epoch", "epoch", $"{epochSplit} accuracy", curves);
        }
        return figure;
    }

    private static double Value(FrozenTrial trial, string name) => Convert.ToDouble(trial.Params[name], System.Globalization.CultureInfo.InvariantCulture);
}
