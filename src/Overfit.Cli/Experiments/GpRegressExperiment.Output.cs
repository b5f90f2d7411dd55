using Overfit.Cli.Infrastructure;
using Overfit.Data.Synthetic;
using Overfit.GaussianProcesses;
using Overfit.Plotting;

namespace Overfit.Cli.Experiments;

internal sealed partial class GpRegressExperiment
{
    /// <summary>Points of the curve drawn for one input column.</summary>
    public const int FigurePoints = 300;

    /// <summary>Half-width of the band in standard deviations: the central 95% of a normal distribution.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// Refuses predictions whose 95% band leaves Float64 (targets near ±1e308): a CSV of infinities and a figure
    /// without a scale would follow. Names the first such row and its values.
    /// </summary>
    private static void RequireFiniteBand(double[] mean, double[] std, string targetName)
    {
        for (int i = 0; i < mean.Length; i++)
        {
            double lower = mean[i] - Z95 * std[i], upper = mean[i] + Z95 * std[i];
            if (!double.IsFinite(lower) || !double.IsFinite(upper))
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"--y: the 95% band of '{targetName}' at row {i + 1} (mean {mean[i]:G6}, std {std[i]:G6}) is outside the Float64 range; rescale the column (e.g. divide it by 1e300)"));
        }
    }

    /// <summary>Turns the fit's per-evaluation reports into progress: one step per optimizer start, evaluations in the status.</summary>
    private sealed class FitProgressTicks(IProgressTick tick) : IProgress<FitProgress>
    {
        private int _start = 1;

        public void Report(FitProgress value)
        {
            for (; _start < value.Start; _start++) tick.Advance();
            string best = double.IsFinite(value.BestLogMarginalLikelihood)
                ? value.BestLogMarginalLikelihood.ToString("G5", System.Globalization.CultureInfo.InvariantCulture) : "none yet";
            // Short enough for one 80-column line after the label: log marginal likelihood (LML) evaluations so far.
            tick.Status($"start {value.Start}/{value.Starts}, {value.Evaluations} LML evaluations, best {best}");
        }
    }

    private static ResultTable TrainingPredictions(double[,] x, double[] y, double[] mean, double[] std, string[] inputNames, string targetName)
    {
        var table = new ResultTable("predictions", [.. inputNames, targetName, "mean", "std", "lower_95", "upper_95"]);
        int d = inputNames.Length;
        for (int i = 0; i < y.Length; i++)
        {
            var row = new object?[d + 5];
            for (int j = 0; j < d; j++) row[j] = Exact(x[i, j]);
            row[d] = Exact(y[i]);
            row[d + 1] = Exact(mean[i]);
            row[d + 2] = Exact(std[i]);
            row[d + 3] = Exact(mean[i] - Z95 * std[i]);
            row[d + 4] = Exact(mean[i] + Z95 * std[i]);
            table.AddRow(row);
        }
        return table;
    }

    private static ResultTable GridPredictions(FittedModel gp, double[,] x, int points, string inputName)
    {
        var (lo, hi) = Range(x);
        double[] grid = ChapterData.Linspace(lo, hi, points);
        var (mean, std) = gp.Predict(GpBikeRouteExperiment.Column(grid));
        var table = new ResultTable("grid predictions", inputName, "mean", "std", "lower_95", "upper_95");
        for (int i = 0; i < grid.Length; i++)
            table.AddRow(Exact(grid[i]), Exact(mean[i]), Exact(std[i]), Exact(mean[i] - Z95 * std[i]), Exact(mean[i] + Z95 * std[i]));
        return table;
    }

    private static Figure DrawFigure(FittedModel gp, double[] x, double[] y, string inputName, string targetName)
    {
        var (lo, hi) = Range(GpBikeRouteExperiment.Column(x));
        double margin = 0.05 * (hi - lo);
        double[] grid = ChapterData.Linspace(lo - margin, hi + margin, FigurePoints);
        var (mean, std) = gp.Predict(GpBikeRouteExperiment.Column(grid));
        var figure = new Figure();
        figure.Panel(0).MeanWithBand($"Gaussian-process regression of {targetName} on {inputName}", inputName, targetName,
            grid, mean, mean.Select((m, i) => m - Z95 * std[i]).ToArray(), mean.Select((m, i) => m + Z95 * std[i]).ToArray(),
            meanLabel: "posterior mean", bandLabel: "95% band (mean ± 1.96 std)", observations: new Series("data", x, y));
        return figure;
    }

    private static (double Lo, double Hi) Range(double[,] column)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < column.GetLength(0); i++) { lo = Math.Min(lo, column[i, 0]); hi = Math.Max(hi, column[i, 0]); }
        return hi > lo ? (lo, hi) : (lo - 1, hi + 1);
    }

    // Round-trip text so the CSV keeps every digit (the table's default format keeps 6).
    internal static string Exact(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
