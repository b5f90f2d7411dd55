using System.Diagnostics;
using System.Globalization;
using Overfit.Cli.Infrastructure;
using Overfit.Data.Synthetic;
using Overfit.GaussianProcesses;

namespace Overfit.Cli.Experiments;

internal sealed partial class DklExperiment
{
    /// <summary>Points of the prediction grid drawn in the figure.</summary>
    public const int GridPoints = 300;

    /// <summary>One fitted model's held-out predictions (observation noise included) and its curve on the figure's grid.</summary>
    private sealed record ModelRun(string Name, double[] TestMean, double[] TestStd, double[] Grid, double[] GridMean, double[] GridStd, double Seconds, IReadOnlyList<double> History)
    {
        public Dictionary<string, object?> Scores(Curve test) => new()
        {
            ["rmse"] = PredictiveScore.Rmse(test.Y, TestMean),
            ["nlpd"] = PredictiveScore.Nlpd(test.Y, TestMean, TestStd),
            ["coverage95"] = PredictiveScore.Coverage95(test.Y, TestMean, TestStd),
        };
    }

    private static double[] Grid(Curve train) => ChapterData.Linspace(train.X.Min(), train.X.Max(), GridPoints);

    /// <summary>
    /// The plain GP: Constant × RBF + White, normalized targets, L-BFGS-B from the default and two seeded starts. Its
    /// standard deviations include the White term at the query points (scikit-learn's convention), i.e. they are those
    /// of new observations.
    /// </summary>
    private static ModelRun FitGp(Curve train, Curve test, int seed)
    {
        var clock = Stopwatch.StartNew();
        var kernel = new ConstantKernel(1.0) * new RBF(1.0) + new WhiteKernel(0.1, lower: 1e-6, upper: 10);
        var gp = new GaussianProcessRegressor(kernel, normalizeY: true, nRestartsOptimizer: 2, seed: (ulong)seed).Fit(Column(train.X), train.Y);
        double seconds = clock.Elapsed.TotalSeconds;
        var (tm, ts) = gp.Predict(Column(test.X));
        var grid = Grid(train);
        var (gm, gs) = gp.Predict(Column(grid));
        return new ModelRun("gp", tm, ts, grid, gm, gs, seconds, []);
    }

    /// <summary>
    /// Deep kernel learning: <see cref="DeepKernel.Mlp"/> (1-50-50-2) under an exact GP, Adam on the marginal likelihood,
    /// from <paramref name="starts"/> seeded network initializations; the fit with the highest final marginal likelihood
    /// wins (as the GP's optimizer restarts do).
    /// </summary>
    private static ModelRun FitDkl(Curve train, Curve test, int epochs, double lr, int starts, ulong seed, IProgressTick tick, string key)
    {
        var clock = Stopwatch.StartNew();
        DeepKernelRegressor? best = null;
        for (int s = 0; s < starts; s++)
        {
            var model = new DeepKernelRegressor(DeepKernel.Mlp(1, Hidden, Features, seed + (ulong)s));
            model.Fit(Column(train.X), train.Y, epochs, lr, new EpochTicks(tick, $"{key} start {s + 1}/{starts}"));
            if (best is null || model.LogMarginalLikelihoodValue > best.LogMarginalLikelihoodValue) best = model;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var (tm, ts) = best!.Predict(Column(test.X), observationNoise: true);
        var grid = Grid(train);
        var (gm, gs) = best.Predict(Column(grid), observationNoise: true);
        return new ModelRun("dkl", tm, ts, grid, gm, gs, seconds, best.MarginalLogLikelihoodHistory.ToArray());
    }

    private static double[,] Column(double[] values) => GpBikeRouteExperiment.Column(values);

    /// <summary>Shows the epoch and the marginal log likelihood per point in the progress line.</summary>
    private sealed class EpochTicks(IProgressTick tick, string key) : IProgress<DeepKernelFitProgress>
    {
        public void Report(DeepKernelFitProgress value)
        {
            if (value.Epoch % 10 != 0 && value.Epoch != value.Epochs) return;
            tick.Status(string.Create(CultureInfo.InvariantCulture, $"{key}: epoch {value.Epoch}/{value.Epochs}, MLL/n {value.MarginalLogLikelihood:F4}, noise {value.Noise:G3}"));
        }
    }
}
