using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.GaussianProcesses;

namespace Overfit.Cli.Experiments;

internal sealed partial class GpRegressExperiment
{
    /// <summary>Inducing points when --method sparse is given without --inducing (fewer rows: every row).</summary>
    public const int DefaultInducing = 256;

    private readonly Option<string> _method = new("--method") { Description = "exact (every row, O(n³)) or sparse (inducing points with the Titsias bound, O(n·M²), for large tables)", HelpName = "exact|sparse", DefaultValueFactory = _ => "exact" };
    private readonly Option<int?> _inducing = new("--inducing") { Description = $"With --method sparse: number of inducing points M, placed by k-means++ and optimized (default: {DefaultInducing} or the row count if smaller)", HelpName = "M" };

    /// <summary>The fitted regressor as the rest of the experiment sees it, exact or sparse.</summary>
    private sealed record FittedModel(Func<double[,], (double[] Mean, double[] Std)> Predict, Kernel FittedKernel,
        double LogMarginalLikelihoodValue, bool IsExact, int Inducing, IReadOnlyList<string> Warnings)
    {
        /// <summary>What <see cref="LogMarginalLikelihoodValue"/> is: the exact value or the sparse model's lower bound.</summary>
        public string ObjectiveLabel => IsExact ? "log marginal likelihood" : "ELBO (lower bound on the log marginal likelihood)";
    }

    private FittedModel FitModel(RunContext context, Kernel kernel, double[,] x, double[] y, int restarts)
    {
        string method = context.GetOption(_method, "exact");
        int? requested = context.GetOption<int?>(_inducing, null);
        int n = y.Length;
        if (method is not ("exact" or "sparse")) throw new ArgumentException($"--method: expected exact or sparse, got '{method}'");
        if (method == "exact" && requested is { } given) throw new ArgumentException($"--inducing: applies only with --method sparse, got {given} with --method exact");
        int inducing = requested ?? Math.Min(n, DefaultInducing);
        if (method == "sparse" && (inducing < 1 || inducing > n))
            throw new ArgumentException($"--inducing: expected a number of inducing points between 1 and the number of rows ({n}), got {inducing}");
        context.RecordSetting("method", method);
        if (method == "exact")
        {
            var gp = context.Track("fitting the Gaussian process", restarts + 1, tick =>
                new GaussianProcessRegressor(kernel, alpha: 1e-10, normalizeY: true, nRestartsOptimizer: restarts, seed: (ulong)context.Seed)
                {
                    Progress = new FitProgressTicks(tick),
                }.Fit(x, y));
            return new FittedModel(gp.Predict, gp.FittedKernel!, gp.LogMarginalLikelihoodValue, true, 0, gp.Warnings);
        }
        context.RecordSetting("inducing", inducing);
        var sparse = context.Track($"fitting the sparse Gaussian process ({inducing} inducing points)", 1, tick =>
        {
            var fitted = new SparseGaussianProcessRegressor(kernel, nInducing: inducing, alpha: 1e-10, normalizeY: true, seed: (ulong)context.Seed).Fit(x, y);
            tick.Advance();
            return fitted;
        });
        return new FittedModel(v => sparse.Predict(v), sparse.FittedKernel!, sparse.ElboValue, false, inducing, sparse.Warnings);
    }
}
