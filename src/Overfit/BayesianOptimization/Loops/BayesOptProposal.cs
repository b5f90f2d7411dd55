using Overfit.GaussianProcesses;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.BayesianOptimization;

/// <summary>
/// One model-guided step of the bayes_opt loop, shared by <see cref="BayesOptLoop"/> and the tuning
/// <c>BayesOptSampler</c>: fit bayes_opt's GP, which is scikit-learn's regressor (<see cref="GaussianProcessRegressor"/>
/// with an isotropic Matern-2.5 on raw inputs, alpha 1e-6, normalize_y, 5 optimizer restarts), then maximize UCB
/// (kappa) or EI (xi) over <c>warmupPoints</c> uniform random points followed by L-BFGS-B from the best
/// <c>optimizerSeeds</c> of them. Maximizes.
/// </summary>
internal static class BayesOptProposal
{
    /// <param name="x">row-major observations inside <paramref name="bounds"/></param>
    /// <param name="y">targets (at least one)</param>
    /// <param name="bounds">the box the acquisition is maximized over (raw parameter units)</param>
    /// <param name="rng">draws the fit seed and the random warm-up points</param>
    /// <param name="fitSeed">mixed into the model fit's seed so successive fits differ</param>
    /// <param name="acquisition">UCB or EI</param>
    /// <param name="kappa">UCB's exploration weight (bayes_opt's default 2.576)</param>
    /// <param name="xi">EI's margin over the best target (bayes_opt's default 0.01)</param>
    /// <param name="warmupPoints">uniform random points the acquisition is evaluated at (bayes_opt: 10,000)</param>
    /// <param name="optimizerSeeds">best random points refined by L-BFGS-B (bayes_opt: 10)</param>
    public static double[] Propose(double[] x, double[] y, Bounds bounds, Generator rng, ulong fitSeed,
        BayesOptAcquisition acquisition, double kappa, double xi, int warmupPoints, int optimizerSeeds)
    {
        var model = FitModel(x, y, bounds.Dimension, rng.NextUInt64() ^ fitSeed);
        double yMax = y.Max();
        AcquisitionFunction acq = acquisition == BayesOptAcquisition.UpperConfidenceBound
            ? new UpperConfidenceBound(model, kappa * kappa)
            : new ExpectedImprovement(model, yMax + xi);
        int d = bounds.Dimension;
        var tries = new double[warmupPoints * d];
        for (int i = 0; i < tries.Length; i++) tries[i] = rng.NextDouble();
        bounds.FromUnitCube(tries);
        var values = new double[warmupPoints];
        acq.EvaluateMany(tries, warmupPoints, 1, values);
        var order = Enumerable.Range(0, warmupPoints).OrderByDescending(i => values[i]).Take(optimizerSeeds).ToArray();
        double[] best = tries.AsSpan(order[0] * d, d).ToArray();
        double bestValue = values[order[0]];
        foreach (int i in order)
        {
            var start = tries.AsSpan(i * d, d).ToArray();
            var res = new BoundedLbfgs().Minimize((p, g) =>
            {
                double v = acq.EvaluateWithGradient(p, 1, g);
                for (int c = 0; c < g.Length; c++) g[c] = -g[c];
                return -v;
            }, start, bounds.Lower, bounds.Upper);
            if (double.IsFinite(res.Value) && -res.Value > bestValue) { bestValue = -res.Value; best = res.X; }
        }
        return best;
    }

    /// <summary>
    /// bayes_opt's surrogate: <c>GaussianProcessRegressor(kernel=Matern(nu=2.5), alpha=1e-6, normalize_y=True,
    /// n_restarts_optimizer=5)</c> on the raw inputs (length scale starting at 1 with bounds 1e-5..1e5).
    /// </summary>
    internal static GaussianProcessRegressor FitModel(double[] x, double[] y, int d, ulong seed)
    {
        int n = y.Length;
        var matrix = new double[n, d];
        Buffer.BlockCopy(x, 0, matrix, 0, checked(n * d * sizeof(double)));
        return new GaussianProcessRegressor(new Matern(1.0, nu: 2.5), alpha: 1e-6, normalizeY: true, nRestartsOptimizer: 5, seed: seed).Fit(matrix, y);
    }
}
