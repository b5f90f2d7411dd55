namespace Overfit.Tuning;

/// <summary>
/// Tree-structured Parzen Estimator (Optuna 3.1's TPESampler, same defaults): after <c>nStartupTrials</c> random
/// trials, finished trials are split into the best γ(n) = min(⌈0.1 n⌉, 25) ("below") and the rest; a Parzen estimator
/// is fitted to each and, of <c>nEiCandidates</c> draws from the "below" one, the draw maximizing l(x)/g(x) is taken.
/// Pruned trials rank after complete ones, deeper steps first, by their last intermediate value. With
/// <c>constantLiar</c>, running trials count as the worst observations so parallel workers spread out. With
/// <c>constraintsFunc</c> (Optuna's constraints_func, c-TPE), each finished trial's constraint values are stored in its
/// "constraints" system attribute and the split ranks feasible trials (all values ≤ 0) first, by their objective, then
/// infeasible ones by their total violation; trials without values and running ones rank last.
/// Unlike Optuna it keeps per-study caches of the observations, the split and the fitted estimators, so a suggestion
/// does not rescan and refit over every trial: the work per trial grows with the number of trials only through the
/// mixture size.
/// </summary>
public sealed partial class TpeSampler : ISampler
{
    private readonly ParzenEstimatorParameters _parameters;
    private readonly int _nStartupTrials, _nEiCandidates;
    private readonly Func<int, int> _gamma;
    private readonly bool _multivariate, _group, _constantLiar;
    private readonly Func<FrozenTrial, IReadOnlyList<double>>? _constraintsFunc;
    private readonly Func<double> _uniform;
    private readonly Lock _rngLock = new();
    private readonly RandomSampler _randomSampler;
    private readonly IntersectionSearchSpace _searchSpace = new(includePruned: true);
    private readonly GroupDecomposedSearchSpace? _groupSpace;

    /// <summary>Optuna's defaults; <paramref name="group"/> needs <paramref name="multivariate"/>.</summary>
    /// <param name="considerPrior">add the prior component to each Parzen estimator (Optuna's consider_prior)</param>
    /// <param name="priorWeight">weight of the prior component (default 1)</param>
    /// <param name="considerMagicClip">clip bandwidths from below as hyperopt does (default true)</param>
    /// <param name="considerEndpoints">let bandwidths reach the bounds (default false)</param>
    /// <param name="nStartupTrials">random trials before TPE takes over (default 10)</param>
    /// <param name="nEiCandidates">draws from the "below" estimator scored per suggestion (default 24)</param>
    /// <param name="gamma">size of the "below" set from the number of finished trials; null is <see cref="DefaultGamma"/></param>
    /// <param name="weights">observation weights from their count; null is <see cref="DefaultWeights"/></param>
    /// <param name="seed">seed of numpy's <c>RandomState(seed)</c> streams the draws come from, as in Optuna; null draws one</param>
    /// <param name="multivariate">one joint estimator over the intersection search space (default false)</param>
    /// <param name="group">split the space into groups that always occur together (needs multivariate)</param>
    /// <param name="constantLiar">count running trials as the worst observations (default false)</param>
    /// <param name="constraintsFunc">constraint values of a trial that finishes Complete or Pruned (feasible when all are
    /// ≤ 0), stored in its "constraints" system attribute; null for an unconstrained study (Optuna's constraints_func)</param>
    /// <exception cref="ArgumentOutOfRangeException">a non-positive prior weight, negative startup trials or no candidates</exception>
    /// <exception cref="ArgumentException"><paramref name="group"/> without <paramref name="multivariate"/></exception>
    public TpeSampler(bool considerPrior = true, double priorWeight = 1.0, bool considerMagicClip = true, bool considerEndpoints = false,
        int nStartupTrials = 10, int nEiCandidates = 24, Func<int, int>? gamma = null, Func<int, double[]>? weights = null, ulong? seed = null,
        bool multivariate = false, bool group = false, bool constantLiar = false, Func<FrozenTrial, IReadOnlyList<double>>? constraintsFunc = null)
    {
        if (!(priorWeight > 0) || !double.IsFinite(priorWeight)) throw new ArgumentOutOfRangeException(nameof(priorWeight), priorWeight, $"priorWeight must be a finite positive number, got {priorWeight}");
        if (nStartupTrials < 0) throw new ArgumentOutOfRangeException(nameof(nStartupTrials), nStartupTrials, $"nStartupTrials must be >= 0, got {nStartupTrials}");
        if (nEiCandidates < 1) throw new ArgumentOutOfRangeException(nameof(nEiCandidates), nEiCandidates, $"nEiCandidates must be >= 1, got {nEiCandidates}");
        if (group && !multivariate) throw new ArgumentException("group requires multivariate: true (as in Optuna)", nameof(group));
        _parameters = new ParzenEstimatorParameters(considerPrior, priorWeight, considerMagicClip, considerEndpoints, weights ?? DefaultWeights, multivariate);
        (_nStartupTrials, _nEiCandidates, _gamma) = (nStartupTrials, nEiCandidates, gamma ?? DefaultGamma);
        (_multivariate, _group, _constantLiar, _constraintsFunc) = (multivariate, group, constantLiar, constraintsFunc);
        ulong s = seed ?? (ulong)Random.Shared.NextInt64();
        // Like Optuna, the TPE draws and the startup RandomSampler use two of numpy's generators seeded alike, so a
        // seeded run is Optuna's TPESampler(seed=seed) run.
        _uniform = new NumpyRandomState(s).NextDouble;
        _randomSampler = new RandomSampler(s);
        if (group) _groupSpace = new GroupDecomposedSearchSpace(includePruned: true);
    }

    /// <summary>Optuna's defaults, drawing the TPE step's uniform numbers from <paramref name="uniform"/> and the startup
    /// trials' from <paramref name="startupUniform"/> instead of two of numpy's generators (a seam for running the
    /// sampler on another generator's stream).</summary>
    internal TpeSampler(Func<double> uniform, Func<double> startupUniform, bool multivariate = false) : this(seed: 0, multivariate: multivariate)
    {
        _uniform = uniform;
        _randomSampler = new RandomSampler(startupUniform);
    }

    /// <summary>Optuna's default_gamma: min(⌈0.1 n⌉, 25).</summary>
    public static int DefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    /// <summary>Optuna's hyperopt_default_gamma: min(⌈0.25 √n⌉, 25).</summary>
    public static int HyperoptDefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.25 * Math.Sqrt(n)), 25);

    /// <summary>Optuna's default_weights: 1 for the newest 25 observations, a linear ramp from 1/n to 1 for older ones.</summary>
    public static double[] DefaultWeights(int n)
    {
        if (n == 0) return [];
        if (n < 25) return Enumerable.Repeat(1.0, n).ToArray();
        var w = new double[n];
        int rampLength = n - 25;
        for (int i = 0; i < rampLength; i++)
            w[i] = rampLength == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (rampLength - 1);
        for (int i = rampLength; i < n; i++) w[i] = 1;
        return w;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        if (!_multivariate) return RandomSampler.EmptySpace;
        var space = new Dictionary<string, Distribution>();
        if (_groupSpace is not null)
        {
            foreach (var g in _groupSpace.Calculate(study))
                foreach (var (name, d) in g.OrderBy(p => p.Key, StringComparer.Ordinal))
                    if (!d.Single) space[name] = d;
            return space;
        }
        foreach (var (name, d) in _searchSpace.Calculate(study))
            if (!d.Single) space[name] = d;
        return space;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        if (searchSpace.Count == 0) return RandomSampler.EmptyValues;
        if (_groupSpace is null) return SampleJoint(study, searchSpace);
        var result = new Dictionary<string, double>();
        foreach (var g in _groupSpace.Calculate(study))
        {
            var sub = g.Where(p => !p.Value.Single && searchSpace.ContainsKey(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(p => p.Key, p => p.Value);
            if (sub.Count == 0) continue;
            foreach (var (k, v) in SampleJoint(study, sub)) result[k] = v;
        }
        return result;
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        var values = SampleJoint(study, new Dictionary<string, Distribution> { [paramName] = distribution });
        return values.Count == 0 ? _randomSampler.SampleIndependent(study, trial, paramName, distribution) : values[paramName];
    }

    /// <summary>One TPE draw over the given space, or empty while fewer than nStartupTrials trials finished.</summary>
    private IReadOnlyDictionary<string, double> SampleJoint(Study study, IReadOnlyDictionary<string, Distribution> space)
    {
        var names = space.Keys.ToArray();
        var dists = names.Select(n => space[n]).ToArray();
        var (below, above) = Estimators(study, names, dists);
        if (below is null || above is null) return RandomSampler.EmptyValues;
        double[][] samples;
        lock (_rngLock) samples = below.Sample(_uniform, _nEiCandidates);
        var logL = below.LogPdf(samples);
        var logG = above.LogPdf(samples);
        int best = 0;
        for (int i = 1; i < logL.Length; i++) if (logL[i] - logG[i] > logL[best] - logG[best]) best = i;
        var result = new Dictionary<string, double>(names.Length);
        for (int j = 0; j < names.Length; j++) result[names[j]] = samples[j][best];
        return result;
    }

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        if (_constraintsFunc is not null) TrialConstraints.Store(_constraintsFunc, study, trial, state, values);
    }
}
