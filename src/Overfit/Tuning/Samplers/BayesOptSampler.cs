using Overfit.BayesianOptimization;
using Overfit.Tensors;

namespace Overfit.Tuning;

/// <summary>
/// The bayes_opt package's loop as a sampler (<c>BayesianOptimization(f, pbounds, random_state).maximize(init_points,
/// n_iter)</c>): the first <c>nStartupTrials</c> trials (bayes_opt's init_points) are uniformly random, then every trial
/// takes the maximizer of UCB (kappa 2.576) or EI (xi 0.01) under bayes_opt's GP (isotropic Matern-2.5 on the raw
/// parameter values, alpha 1e-6, normalize_y, 5 fit restarts), searched over 10,000 random points and refined by L-BFGS-B
/// from the best 10 — the same step as <see cref="BayesOptLoop"/>. It models the float and int parameters every
/// completed trial shares, on their own scale (bayes_opt knows no log scale); others come from the independent sampler.
/// Each trial's draws are seeded from the seed and the trial number, so several processes sharing one study stay
/// reproducible. Single-objective; minimization is modelled as maximization of the negated values.
/// </summary>
public sealed class BayesOptSampler : ISampler
{
    private readonly ISampler _independent;
    private readonly ulong _seed;
    private readonly RelativeSearchSpace _searchSpace = new(d => d is FloatDistribution or IntDistribution);

    /// <param name="seed">bayes_opt's random_state: seeds the startup points, the model fits and the acquisition search</param>
    /// <param name="nStartupTrials">random trials before the GP takes over (bayes_opt's init_points, default 5)</param>
    /// <param name="acquisition">UCB (bayes_opt's default) or EI</param>
    /// <param name="independentSampler">null is a seeded <see cref="RandomSampler"/></param>
    /// <exception cref="ArgumentOutOfRangeException">a negative <paramref name="nStartupTrials"/></exception>
    public BayesOptSampler(ulong? seed = null, int nStartupTrials = 5, BayesOptAcquisition acquisition = BayesOptAcquisition.UpperConfidenceBound,
        ISampler? independentSampler = null)
    {
        if (nStartupTrials < 0) throw new ArgumentOutOfRangeException(nameof(nStartupTrials), nStartupTrials, $"nStartupTrials: expected a non-negative number of startup trials, got {nStartupTrials}");
        _seed = seed ?? (ulong)Random.Shared.NextInt64();
        NStartupTrials = nStartupTrials;
        Acquisition = acquisition;
        _independent = independentSampler ?? new RandomSampler(_seed);
    }

    /// <summary>Random trials before the model takes over (bayes_opt's init_points).</summary>
    public int NStartupTrials { get; }

    /// <summary>The acquisition maximized at each model-guided trial.</summary>
    public BayesOptAcquisition Acquisition { get; }

    /// <summary>UCB's exploration weight (bayes_opt's kappa, default 2.576).</summary>
    public double Kappa { get; init; } = 2.576;

    /// <summary>EI's margin over the best target (bayes_opt's xi, default 0.01).</summary>
    public double Xi { get; init; } = 0.01;

    /// <summary>Random points the acquisition is evaluated at before refinement (default 10,000).</summary>
    public int WarmupPoints { get; init; } = 10_000;

    /// <summary>Best random points refined by L-BFGS-B (default 10).</summary>
    public int OptimizerSeeds { get; init; } = 10;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => _searchSpace.Calculate(study);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (study.IsMultiObjective) throw new InvalidOperationException($"BayesOptSampler supports single-objective studies only; study '{study.StudyName}' has {study.Directions.Count} objectives");
        if (searchSpace.Count == 0) return RandomSampler.EmptyValues;
        var completed = study.GetTrials([TrialState.Complete])
            .Where(t => double.IsFinite(t.Values![0]) && searchSpace.Keys.All(t.InternalParams.ContainsKey)).ToList();
        if (completed.Count < Math.Max(NStartupTrials, 1)) return RandomSampler.EmptyValues;

        // Raw values, no log and no step widening: bayes_opt models the parameters as given by pbounds.
        var transform = new SearchSpaceTransform(searchSpace, transformLog: false, transformStep: false);
        int d = transform.EncodedDimension, n = completed.Count;
        var x = new double[n * d];
        var y = new double[n];
        double sign = study.Direction == StudyDirection.Maximize ? 1 : -1;
        for (int i = 0; i < n; i++)
        {
            transform.Transform(completed[i].InternalParams).CopyTo(x, i * d);
            y[i] = sign * completed[i].Values![0];
        }
        var rng = new Generator(unchecked(_seed * 1_000_003UL + (ulong)trial.Number));
        var bounds = new Bounds(transform.Lower, transform.Upper);
        var candidate = BayesOptProposal.Propose(x, y, bounds, rng, (ulong)trial.Number, Acquisition, Kappa, Xi, WarmupPoints, OptimizerSeeds);
        return transform.Untransform(candidate);
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
        => _independent.SampleIndependent(study, trial, paramName, distribution);

    /// <inheritdoc/>
    public void BeforeTrial(Study study, FrozenTrial trial) => _independent.BeforeTrial(study, trial);

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
        => _independent.AfterTrial(study, trial, state, values);
}
