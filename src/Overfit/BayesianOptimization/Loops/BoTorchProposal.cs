namespace Overfit.BayesianOptimization;

/// <summary>
/// One model-guided step of the BoTorch loop, shared by <see cref="BoTorchLoop"/> and the tuning GP sampler: fit a
/// <see cref="SingleTaskGP"/> (warm-started from the previous hyperparameters when given, plus a fit from the default
/// start every <see cref="BoTorchLoopOptions.ColdFitEvery"/> iterations; the better posterior wins), then maximize the
/// acquisition (LogEI at the best observed target unless the options give a factory) with
/// <see cref="AcquisitionOptimizer"/>. Maximizes. Pending points (chosen, not yet evaluated) are fantasized: the fitted
/// model is conditioned on its own posterior mean there (the kriging believer), which keeps the mean and shrinks the
/// variance around them, so the acquisition stops favouring points already being evaluated.
/// </summary>
internal static class BoTorchProposal
{
    /// <param name="x">row-major observations inside <paramref name="bounds"/></param>
    /// <param name="y">targets (at least one)</param>
    /// <param name="hyperparameters">the previous fit's raw hyperparameters (null for none); replaced by this fit's</param>
    /// <param name="fitSeconds">time spent fitting the model</param>
    /// <param name="bounds">the search box</param>
    /// <param name="options">the loop's settings</param>
    /// <param name="seed">seed of this step's fit and acquisition optimizer</param>
    /// <param name="iteration">index of the model-guided step (decides the periodic cold fit)</param>
    /// <param name="pending">row-major points inside <paramref name="bounds"/> being evaluated elsewhere; null or empty for none</param>
    public static (double[] Candidate, SingleTaskGP Model, AcquisitionFunction Acquisition) Propose(double[] x, double[] y, Bounds bounds, BoTorchLoopOptions options, ulong seed,
        int iteration, ref double[]? hyperparameters, out double fitSeconds, double[]? pending = null)
    {
        var fitWatch = System.Diagnostics.Stopwatch.StartNew();
        var modelOptions = (options.ModelOptions ?? new SingleTaskGPOptions()) with { InputBounds = bounds, Seed = seed };
        SingleTaskGP? model = null;
        if (options.WarmStart && hyperparameters is not null)
            model = SingleTaskGP.Fit(x, y, modelOptions with { InitialHyperparameters = hyperparameters });
        if (model is null || iteration % Math.Max(options.ColdFitEvery, 1) == 0)
        {
            // A fit from the default starting point now and then keeps the warm chain from sticking in a poor optimum.
            var cold = SingleTaskGP.Fit(x, y, modelOptions);
            if (model is null || cold.LogPosterior > model.LogPosterior) model = cold;
        }
        hyperparameters = model.RawHyperparameters;
        fitSeconds = fitWatch.Elapsed.TotalSeconds;
        if (pending is { Length: > 0 })
        {
            int m = pending.Length / bounds.Dimension;
            var believed = new double[m];
            model.PosteriorMeanVariance(pending, m, believed, new double[m]);
            model = model.ConditionOnObservations(pending, believed);
        }
        double best = y.Max();
        var acq = options.AcquisitionFactory?.Invoke(model, best) ?? new LogExpectedImprovement(model, best);
        var result = AcquisitionOptimizer.Optimize(acq, bounds, 1, options.NumRestarts, options.RawSamples,
            new AcquisitionOptimizerOptions { Seed = seed });
        return (result.Candidates, model, acq);
    }
}
