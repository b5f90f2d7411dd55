using Overfit.Tensors;

namespace Overfit.Tuning;

/// <summary>How <see cref="CmaEsSampler"/> restarts once CMA-ES has converged.</summary>
public enum CmaEsRestartStrategy
{
    /// <summary>Never restart (Optuna's default).</summary>
    None,
    /// <summary>IPOP (Auger and Hansen 2005): restart from a random mean with the population multiplied by <c>incPopsize</c>.</summary>
    Ipop,
}

/// <summary>
/// CMA-ES over the float and int parameters every completed trial shares (Optuna 3.1's CmaEsSampler). The space is
/// encoded as Optuna does (log parameters in log space, stepped and integer ones widened by half a step on each side
/// and rounded back to the grid); the initial mean is the centre of that box (or <c>x0</c>), sigma0 is a sixth of its
/// narrowest side, the population size is 4 + ⌊3 ln n⌋ unless given. Each generation is told once
/// <c>popsize</c> completed trials carry its generation number (system attribute "cma:generation", or
/// "cma:restart_K:generation" with restarts). Categorical parameters, one-dimensional spaces, and everything before
/// <c>nStartupTrials</c> complete trials come from the independent sampler (random by default). Single-objective only.
/// The optimizer state lives in this sampler object; a new instance on an existing study rebuilds it by replaying the
/// stored generations (exactly without restarts; after an IPOP restart the replayed random start differs).
/// </summary>
public sealed class CmaEsSampler : ISampler
{
    private const double MinSigma = 1e-8;
    private readonly IReadOnlyDictionary<string, object?>? _x0;
    private readonly double? _sigma0;
    private readonly ISampler _independent;
    private readonly int _nStartupTrials;
    private readonly Generator _cmaRng;
    private readonly int? _popsize;
    private readonly int _incPopsize;
    private readonly Lock _lock = new();
    private readonly RelativeSearchSpace _searchSpace = new(d => d is FloatDistribution or IntDistribution);
    private (int StudyId, CmaEsOptimizer Optimizer, int Restarts, string[] Names)? _state;

    /// <param name="x0">initial parameter values (external representation); null uses the centre of the space</param>
    /// <param name="sigma0">initial step size in the encoded space; null uses min(range) / 6</param>
    /// <param name="nStartupTrials">complete trials sampled independently before CMA-ES starts</param>
    /// <param name="independentSampler">sampler for parameters outside the relative space; null is a seeded <see cref="RandomSampler"/></param>
    /// <param name="seed">seed of the CMA-ES streams and of the default independent sampler</param>
    /// <param name="considerPrunedTrials">use pruned trials with their last intermediate value as completed ones</param>
    /// <param name="restartStrategy">what to do when CMA-ES converges</param>
    /// <param name="popsize">population size (the initial one under IPOP); null uses 4 + ⌊3 ln n⌋</param>
    /// <param name="incPopsize">IPOP's population multiplier</param>
    public CmaEsSampler(IReadOnlyDictionary<string, object?>? x0 = null, double? sigma0 = null, int nStartupTrials = 1, ISampler? independentSampler = null,
        ulong? seed = null, bool considerPrunedTrials = false, CmaEsRestartStrategy restartStrategy = CmaEsRestartStrategy.None, int? popsize = null, int incPopsize = 2)
    {
        if (sigma0 is { } s && !(s > 0 && double.IsFinite(s))) throw new ArgumentOutOfRangeException(nameof(sigma0), s, "sigma0 must be positive and finite");
        if (nStartupTrials < 0) throw new ArgumentOutOfRangeException(nameof(nStartupTrials), nStartupTrials, "expected a non-negative number of startup trials");
        if (popsize is < 2) throw new ArgumentOutOfRangeException(nameof(popsize), popsize, "expected a population of at least 2");
        if (incPopsize < 1) throw new ArgumentOutOfRangeException(nameof(incPopsize), incPopsize, "expected a population multiplier of at least 1");
        if (!Enum.IsDefined(restartStrategy)) throw new ArgumentOutOfRangeException(nameof(restartStrategy), restartStrategy, "expected None or Ipop");
        ulong baseSeed = seed ?? (ulong)Random.Shared.NextInt64();
        _x0 = x0;
        _sigma0 = sigma0;
        _independent = independentSampler ?? new RandomSampler(baseSeed);
        _nStartupTrials = nStartupTrials;
        _cmaRng = new Generator(baseSeed ^ 0x9E3779B97F4A7C15UL);
        ConsiderPrunedTrials = considerPrunedTrials;
        RestartStrategy = restartStrategy;
        _popsize = popsize;
        _incPopsize = incPopsize;
    }

    /// <summary>Whether pruned trials with a last intermediate value count as evaluations.</summary>
    public bool ConsiderPrunedTrials { get; }
    /// <summary>The current CMA-ES state (null before the first model-guided trial).</summary>
    internal CmaEsOptimizer? Optimizer => _state?.Optimizer;
    /// <summary>What happens when CMA-ES stops: nothing, or an IPOP restart with a larger population.</summary>
    public CmaEsRestartStrategy RestartStrategy { get; }

    private string GenerationKey(int restarts) => RestartStrategy == CmaEsRestartStrategy.None ? "cma:generation" : $"cma:restart_{restarts}:generation";
    private const string RestartsKey = "cma:n_restarts";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => _searchSpace.Calculate(study);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (study.IsMultiObjective) throw new InvalidOperationException($"CmaEsSampler supports single-objective studies only; study '{study.StudyName}' has {study.Directions.Count} objectives");
        if (searchSpace.Count < 2) return RandomSampler.EmptyValues;   // Optuna: CMA-ES needs two or more dimensions
        var completed = CompletedTrials(study);
        if (completed.Count < _nStartupTrials) return RandomSampler.EmptyValues;
        var transform = new SearchSpaceTransform(searchSpace);
        var names = transform.ParamNames.ToArray();
        lock (_lock)
        {
            if (_state is not { } state || state.StudyId != study.StudyId)
                state = (study.StudyId, NewOptimizer(transform, _popsize, randomStart: false), 0, names);
            if (!state.Names.SequenceEqual(names)) return RandomSampler.EmptyValues;   // Optuna: no dynamic search space
            var (optimizer, restarts) = (state.Optimizer, state.Restarts);
            double sign = study.Direction == StudyDirection.Minimize ? 1 : -1;
            // Tell every generation that has a full population; a sampler that starts on an existing study replays
            // the stored generations this way and reaches the state the previous one had.
            while (true)
            {
                string key = GenerationKey(restarts);
                int generation = optimizer.Generation;
                var solutions = completed.Where(t => t.SystemAttrs.TryGetValue(key, out var g) && Convert.ToInt64(g) == generation).ToList();
                if (solutions.Count < optimizer.PopulationSize) break;
                optimizer.Tell(solutions.Take(optimizer.PopulationSize).Select(t => (transform.Transform(t.InternalParams), sign * t.Values![0])).ToList());
                if (RestartStrategy == CmaEsRestartStrategy.Ipop && optimizer.ShouldStop())
                {
                    restarts++;
                    optimizer = NewOptimizer(transform, optimizer.PopulationSize * _incPopsize, randomStart: true);
                }
            }
            _state = (study.StudyId, optimizer, restarts, names);
            optimizer.Random.ManualSeed((ulong)(_cmaRng.NextInt(65535) + 1 + trial.Number));
            var x = optimizer.Ask();
            study.Storage.SetTrialSystemAttr(trial.TrialId, GenerationKey(restarts), (long)optimizer.Generation);
            study.Storage.SetTrialSystemAttr(trial.TrialId, RestartsKey, (long)restarts);
            return transform.Untransform(x);
        }
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        if (study.IsMultiObjective) throw new InvalidOperationException($"CmaEsSampler supports single-objective studies only; study '{study.StudyName}' has {study.Directions.Count} objectives");
        return _independent.SampleIndependent(study, trial, paramName, distribution);
    }

    /// <inheritdoc/>
    public void BeforeTrial(Study study, FrozenTrial trial) => _independent.BeforeTrial(study, trial);

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
        => _independent.AfterTrial(study, trial, state, values);

    /// <summary>Complete trials, plus pruned ones carrying their last intermediate value when <see cref="ConsiderPrunedTrials"/>.</summary>
    private List<FrozenTrial> CompletedTrials(Study study)
    {
        var result = new List<FrozenTrial>();
        foreach (var t in study.GetTrials([TrialState.Complete, TrialState.Pruned]))
        {
            if (t.State == TrialState.Complete) { result.Add(t); continue; }
            if (!ConsiderPrunedTrials || t.IntermediateValues.Count == 0) continue;
            double last = t.IntermediateValues[t.IntermediateValues.Keys.Max()];
            if (double.IsNaN(last)) continue;
            result.Add(t with { Values = [last] });
        }
        return result;
    }

    private CmaEsOptimizer NewOptimizer(SearchSpaceTransform transform, int? populationSize, bool randomStart)
    {
        int n = transform.EncodedDimension;
        var mean = new double[n];
        var bounds = new double[n, 2];
        double minRange = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            double lo = transform.Lower[i], hi = transform.Upper[i];
            bounds[i, 0] = lo; bounds[i, 1] = hi;
            minRange = Math.Min(minRange, hi - lo);
            mean[i] = randomStart ? lo + (hi - lo) * _cmaRng.NextDouble() : lo + (hi - lo) / 2;
        }
        if (!randomStart && _x0 is not null)
        {
            var names = transform.ParamNames;
            var internalX0 = new Dictionary<string, double>();
            for (int i = 0; i < names.Count; i++)
            {
                if (!_x0.TryGetValue(names[i], out var v)) throw new ArgumentException($"x0 has no value for parameter '{names[i]}'", "x0");
                internalX0[names[i]] = ToInternal(names[i], v);
            }
            mean = transform.Transform(internalX0);
            for (int i = 0; i < n; i++) mean[i] = Math.Clamp(mean[i], bounds[i, 0], bounds[i, 1]);
        }
        double sigma = Math.Max(_sigma0 ?? minRange / 6, MinSigma);
        return new CmaEsOptimizer(mean, sigma, bounds, _cmaRng.NextUInt64(), populationSize, maxResampling: 10 * n);

        double ToInternal(string name, object? value) => value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            _ => throw new ArgumentException($"x0['{name}'] must be a number, got {value?.GetType().Name ?? "null"}", "x0"),
        };
    }
}
