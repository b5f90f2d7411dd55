using Overfit.BayesianOptimization;

namespace Overfit.Tuning;

/// <summary>
/// Gaussian-process Bayesian optimization over the parameters every completed trial shares, on the BoTorch-grade stack
/// of Overfit.BayesianOptimization: the completed trials are encoded in the unit cube (log parameters through
/// their log, stepped and integer parameters widened by half a step, categoricals one-hot), a
/// <see cref="SingleTaskGP"/> is fitted (warm-started from the previous fit, with a fit from the default start every
/// few steps), LogEI at the best value so far is maximized by <see cref="AcquisitionOptimizer"/> (10 restarts, 512 raw
/// samples by default), and the maximizer is decoded (rounded to the step grid, arg-max of the one-hot block). The
/// first <c>nStartupTrials</c> trials, and parameters outside the shared space, come from the independent sampler.
/// Running trials of other threads or processes that already hold every modelled parameter are fantasized: the fitted
/// GP is conditioned on its posterior mean at their points (the kriging believer; the hyperparameters stay), so a
/// second proposal does not repeat a point still being evaluated. With <c>deterministicObjective</c> the model's noise
/// variance is not fitted but fixed at <see cref="DeterministicNoiseVariance"/> (Optuna 4's GPSampler option of the same
/// name), so the GP interpolates the observed values. Single-objective.
/// </summary>
public sealed class GPSampler : ISampler
{
    private readonly ISampler _independent;
    private readonly ulong _seed;
    private readonly Lock _lock = new();
    private readonly RelativeSearchSpace _searchSpace = new();
    private (int StudyId, string Signature, double[]? Hyperparameters, int Steps) _state = (-1, "", null, 0);

    /// <param name="seed">seed of the model fits, acquisition optimization and the default independent sampler</param>
    /// <param name="nStartupTrials">complete trials sampled independently before the GP takes over</param>
    /// <param name="independentSampler">null is a seeded <see cref="RandomSampler"/></param>
    /// <param name="options">restarts, raw samples, warm starts and model settings of each step; null is <see cref="BoTorchLoop"/>'s defaults</param>
    /// <param name="deterministicObjective">the objective returns the same value for the same parameters: fix the model's
    /// noise variance at <see cref="DeterministicNoiseVariance"/> instead of fitting it (Optuna 4's deterministic_objective;
    /// default false); it replaces the model options' NoiseFloor and NoiseBounds</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nStartupTrials"/> is negative</exception>
    /// <exception cref="ArgumentException"><paramref name="deterministicObjective"/> with model options that give observation
    /// noise variances (<see cref="SingleTaskGPOptions.TrainYVariance"/>)</exception>
    public GPSampler(ulong? seed = null, int nStartupTrials = 10, ISampler? independentSampler = null, BoTorchLoopOptions? options = null,
        bool deterministicObjective = false)
    {
        if (nStartupTrials < 0) throw new ArgumentOutOfRangeException(nameof(nStartupTrials), nStartupTrials, "expected a non-negative number of startup trials");
        _seed = seed ?? (ulong)Random.Shared.NextInt64();
        NStartupTrials = nStartupTrials;
        _independent = independentSampler ?? new RandomSampler(_seed);
        Options = options ?? new BoTorchLoopOptions();
        DeterministicObjective = deterministicObjective;
        if (deterministicObjective)
        {
            var model = Options.ModelOptions ?? new SingleTaskGPOptions();
            if (model.TrainYVariance is not null)
                throw new ArgumentException("deterministicObjective fixes the noise variance; the model options already give observation noise variances (TrainYVariance)", nameof(deterministicObjective));
            // Bounds that meet at the value keep the noise out of the fit.
            Options = Options with { ModelOptions = model with { NoiseFloor = DeterministicNoiseVariance, NoiseBounds = (DeterministicNoiseVariance, DeterministicNoiseVariance) } };
        }
    }

    /// <summary>Noise variance, in standardized outcome units, of the model of a deterministic objective: 1e-6, Optuna 4's
    /// minimum noise variance (slightly above 0 so the kernel matrix stays positive definite).</summary>
    public const double DeterministicNoiseVariance = 1e-6;

    /// <summary>Complete trials sampled independently before the GP takes over.</summary>
    public int NStartupTrials { get; }
    /// <summary>Whether the model's noise variance is fixed at <see cref="DeterministicNoiseVariance"/> rather than fitted.</summary>
    public bool DeterministicObjective { get; }
    /// <summary>Settings of every model-guided step.</summary>
    public BoTorchLoopOptions Options { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => _searchSpace.Calculate(study);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (study.IsMultiObjective) throw new InvalidOperationException($"GPSampler supports single-objective studies only; study '{study.StudyName}' has {study.Directions.Count} objectives");
        if (searchSpace.Count == 0) return RandomSampler.EmptyValues;
        var completed = study.GetTrials([TrialState.Complete])
            .Where(t => double.IsFinite(t.Values![0]) && searchSpace.Keys.All(t.InternalParams.ContainsKey)).ToList();
        if (completed.Count < Math.Max(NStartupTrials, 2)) return RandomSampler.EmptyValues;   // a GP needs two observations to standardize

        var transform = new SearchSpaceTransform(searchSpace);
        int d = transform.EncodedDimension, n = completed.Count;
        var x = new double[n * d];
        var y = new double[n];
        double sign = study.Direction == StudyDirection.Maximize ? 1 : -1;   // the model maximizes
        for (int i = 0; i < n; i++)
        {
            var row = transform.Transform(completed[i].InternalParams);
            for (int j = 0; j < d; j++) x[i * d + j] = ToUnit(row[j], j);
            y[i] = sign * completed[i].Values![0];
        }
        // Pending points: running trials other than this one that have every modelled parameter already suggested.
        var running = study.GetTrials([TrialState.Running])
            .Where(t => t.Number != trial.Number && searchSpace.Keys.All(t.InternalParams.ContainsKey)).ToList();
        var pending = new double[running.Count * d];
        for (int i = 0; i < running.Count; i++)
        {
            var row = transform.Transform(running[i].InternalParams);
            for (int j = 0; j < d; j++) pending[i * d + j] = Math.Clamp(ToUnit(row[j], j), 0, 1);
        }
        string signature = string.Join(";", searchSpace.Select(p => p.Key + "=" + p.Value.ToJson()));
        lock (_lock)
        {
            if (_state.StudyId != study.StudyId || _state.Signature != signature) _state = (study.StudyId, signature, null, 0);
            double[]? hyper = _state.Hyperparameters;
            ulong seed = _seed * 1_000_003UL + (ulong)trial.Number;
            var (candidate, _, acquisition) = BoTorchProposal.Propose(x, y, Bounds.UnitCube(d), Options, seed, _state.Steps, ref hyper, out _, pending);
            _state = (study.StudyId, signature, hyper, _state.Steps + 1);
            var encoded = new double[d];
            for (int j = 0; j < d; j++) encoded[j] = transform.Lower[j] + Math.Clamp(candidate[j], 0, 1) * (transform.Upper[j] - transform.Lower[j]);
            var decoded = transform.Untransform(encoded);
            return ChooseCategories(decoded, transform, searchSpace, acquisition);
        }

        double ToUnit(double v, int j) => (v - transform.Lower[j]) / (transform.Upper[j] - transform.Lower[j]);
    }

    /// <summary>
    /// The acquisition optimizer works on the relaxed one-hot block, where the model has seen only corners; so each
    /// categorical is settled by scoring every choice at the decoded (grid-snapped) point, one parameter at a time.
    /// </summary>
    private static Dictionary<string, double> ChooseCategories(Dictionary<string, double> decoded, SearchSpaceTransform transform,
        IReadOnlyDictionary<string, Distribution> searchSpace, AcquisitionFunction acquisition)
    {
        foreach (var name in transform.ParamNames)
        {
            if (searchSpace[name] is not CategoricalDistribution c) continue;
            double bestValue = double.NegativeInfinity;
            int bestChoice = (int)decoded[name];
            for (int k = 0; k < c.Choices.Count; k++)
            {
                decoded[name] = k;
                var unit = transform.Transform(decoded);
                for (int j = 0; j < unit.Length; j++) unit[j] = (unit[j] - transform.Lower[j]) / (transform.Upper[j] - transform.Lower[j]);
                double value = acquisition.Evaluate(unit);
                if (value > bestValue) { bestValue = value; bestChoice = k; }
            }
            decoded[name] = bestChoice;
        }
        return decoded;
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
