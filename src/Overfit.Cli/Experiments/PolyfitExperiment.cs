using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Data.Random;
using Overfit.Data.Synthetic;
using Overfit.LinearModels;

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit polyfit</c>: the chapter's opening experiment — numpy.polyfit-style polynomials of degree
/// 1, 3 and 21 on a noisy sine. Degree 1 underfits, 3 follows the sine, 21 chases the noise; the
/// degree-21 fit also trips numpy's RankWarning, which is shown together with the well-conditioned
/// alternative (a Chebyshev-basis fit of the same degree).
/// </summary>
internal sealed partial class PolyfitExperiment : IExperiment
{
    /// <summary>Points of the dense grid the fitted curves and the error against the true sine are evaluated on.</summary>
    public const int GridPoints = 400;

    private readonly Option<int[]> _degrees = new("--degrees")
    {
        Description = "Polynomial degrees to fit (the chapter's 1 3 21)",
        AllowMultipleArgumentsPerToken = true,
        HelpName = "N",
        DefaultValueFactory = _ => [1, 3, 21],
    };

    public string Name => "polyfit";

    public string Description => "Polynomials of degree 1, 3 and 21 on a noisy sine: underfitting, a good fit and overfitting, with the poor-conditioning warning";

    public IReadOnlyList<Option> Options => [_degrees];

    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        int[] degrees = context.GetOption(_degrees, [1, 3, 21]);
        // The chapter draws the noise without a seed; the run's seed makes it reproducible.
        var data = ChapterData.NoisySine(new RandomState(context.Seed));
        ValidateDegrees(degrees, data.X.Length);
        context.RecordSetting("degrees", degrees);
        context.RecordSetting("points", data.X.Length);
        context.RecordSetting("data", "x = pi/180 * i for i in range(40, 320, 4); y = sin(x) + uniform(-0.2, 0.2) from RandomState(seed)");

        double[] grid = ChapterData.Linspace(data.X.Min(), data.X.Max(), GridPoints);
        double[] trueSine = grid.Select(Math.Sin).ToArray();
        var fits = new List<DegreeFit>(degrees.Length);
        var table = new ResultTable("Polynomial fits (power basis, numpy.polyfit)", "degree", "rank", "poorly conditioned", "train MSE", "MSE vs sin(x) on a grid");
        foreach (int degree in degrees)
        {
            var fit = Polynomial.Fit(data.X, data.Y, degree);
            if (fit.Warning is { } warning) context.Note($"degree {degree}: {warning}");
            var curve = fit.Evaluate(grid);
            var result = new DegreeFit(degree, fit.Rank, fit.IsPoorlyConditioned, Mse(data.Y, fit.Evaluate(data.X)), Mse(trueSine, curve), curve);
            fits.Add(result);
            table.AddRow(degree, fit.Rank, fit.IsPoorlyConditioned ? "yes" : "no", result.TrainMse, result.GridMse);
        }

        // The alternative named in the warning, at the highest requested degree.
        int highest = degrees.Max();
        var chebyshev = Polynomial.FitChebyshev(data.X, data.Y, highest);
        var chebyshevCurve = chebyshev.Evaluate(grid);
        double chebyshevTrainMse = Mse(data.Y, chebyshev.Evaluate(data.X));
        var alternative = new ResultTable($"Well-conditioned alternative at degree {highest} (Chebyshev basis on [-1, 1])", "basis", "rank", "train MSE", "MSE vs sin(x) on a grid");
        var powerHighest = fits.First(f => f.Degree == highest);
        alternative.AddRow("power (polyfit)", powerHighest.Rank, powerHighest.TrainMse, powerHighest.GridMse);
        alternative.AddRow("Chebyshev", chebyshev.Rank, chebyshevTrainMse, Mse(trueSine, chebyshevCurve));

        var figure = DrawFigure(data, grid, fits, highest, chebyshevCurve);
        var saved = context.SaveFigure(figure, "polyfit", $"Left: polynomial fits of degree {string.Join(", ", degrees)} on the noisy sine. Right: degree {highest} in the power basis against the Chebyshev basis");

        var metrics = new Dictionary<string, object?>
        {
            ["degrees"] = degrees,
            ["train_mse"] = fits.Select(f => f.TrainMse).ToArray(),
            ["grid_mse_vs_sine"] = fits.Select(f => f.GridMse).ToArray(),
            ["rank"] = fits.Select(f => f.Rank).ToArray(),
            ["poorly_conditioned"] = fits.Select(f => f.PoorlyConditioned).ToArray(),
            ["any_poorly_conditioned"] = fits.Any(f => f.PoorlyConditioned),
            ["chebyshev_degree"] = highest,
            ["chebyshev_rank"] = chebyshev.Rank,
            ["chebyshev_poorly_conditioned"] = chebyshev.IsPoorlyConditioned,
            ["chebyshev_train_mse"] = chebyshevTrainMse,
        };
        return new ExperimentResult(metrics, [saved], [table, alternative]);
    }

    private static void ValidateDegrees(int[] degrees, int points)
    {
        if (degrees.Length == 0) throw new ArgumentException("--degrees: expected at least one degree, got none");
        foreach (int d in degrees)
            if (d < 0 || d >= points)
                throw new ArgumentException($"--degrees: expected degrees in [0, {points - 1}] (fewer coefficients than the {points} points), got {d}");
        if (degrees.Distinct().Count() != degrees.Length)
            throw new ArgumentException($"--degrees: expected distinct degrees, got [{string.Join(", ", degrees)}]");
    }

    internal static double Mse(double[] expected, double[] actual)
    {
        double sum = 0;
        for (int i = 0; i < expected.Length; i++) sum += (expected[i] - actual[i]) * (expected[i] - actual[i]);
        return sum / expected.Length;
    }

    private sealed record DegreeFit(int Degree, int Rank, bool PoorlyConditioned, double TrainMse, double GridMse, double[] Curve);
}
