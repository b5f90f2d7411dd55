using Overfit.BayesianOptimization;

namespace Overfit.Tuning;

/// <summary>
/// Quasi-Monte Carlo sampling with a scrambled Sobol sequence (Optuna's QMCSampler with qmc_type "sobol"). The search
/// space is fixed by the first finished trial (the first trial is sampled independently); each later trial takes the
/// next point of the sequence, its index kept in a study system attribute so workers continue one sequence. Parameters
/// outside that space are sampled by <c>independentSampler</c> (random by default). Scrambling is on by default here
/// (Optuna 3.1 defaults to off, which puts the first point at the lower corner).
/// </summary>
public sealed class QmcSampler : ISampler
{
    private readonly bool _scramble;
    private readonly ulong _seed;
    private readonly ISampler _independent;
    private readonly Lock _lock = new();
    private SortedDictionary<string, Distribution>? _initialSpace;
    private SobolEngine? _engine;

    /// <summary>A scrambled-Sobol sampler (like optuna.samplers.QMCSampler with qmc_type='sobol').</summary>
    /// <param name="scramble">Scramble the sequence (default true; Optuna defaults to false).</param>
    /// <param name="seed">Seed of the scramble and the independent sampler; null draws one.</param>
    /// <param name="independentSampler">Sampler of parameters outside the initial space (default: random).</param>
    public QmcSampler(bool scramble = true, ulong? seed = null, ISampler? independentSampler = null)
    {
        _scramble = scramble;
        _seed = seed ?? (ulong)Random.Shared.NextInt64();
        _independent = independentSampler ?? new RandomSampler(_seed);
    }

    private string SampleIdKey => "qmc (sobol" + (_scramble ? $", scramble=True, seed={_seed})" : ", scramble=False)") + "'s last sample id";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        lock (_lock)
        {
            if (_initialSpace is null)
            {
                var first = study.GetTrials([TrialState.Complete]).FirstOrDefault();
                if (first is null) return RandomSampler.EmptySpace;
                _initialSpace = new SortedDictionary<string, Distribution>(
                    first.Distributions.Where(p => !p.Value.Single).ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
            }
            return _initialSpace;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        if (searchSpace.Count == 0) return RandomSampler.EmptyValues;
        if (searchSpace.Count > SobolEngine.MaxDimension)
            throw new NotSupportedException($"QmcSampler supports at most {SobolEngine.MaxDimension} encoded dimensions, got {searchSpace.Count}");
        var transform = new SearchSpaceTransform(searchSpace);
        double[] u;
        lock (_lock)
        {
            long id = study.SystemAttrs.TryGetValue(SampleIdKey, out var last) && last is long l ? l + 1 : 0;
            study.SetSystemAttr(SampleIdKey, id);
            int d = transform.EncodedDimension;
            if (_engine is null || _engine.Dimension != d || _engine.NumGenerated > id)
                _engine = new SobolEngine(d, _scramble, _seed);
            _engine.FastForward(checked((int)(id - _engine.NumGenerated)));
            u = _engine.Draw(1);
        }
        var x = new double[u.Length];
        for (int i = 0; i < u.Length; i++) x[i] = transform.Lower[i] + u[i] * (transform.Upper[i] - transform.Lower[i]);
        return transform.Untransform(x);
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
        => _independent.SampleIndependent(study, trial, paramName, distribution);

    /// <inheritdoc/>
    public void BeforeTrial(Study study, FrozenTrial trial) => _independent.BeforeTrial(study, trial);
    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values) => _independent.AfterTrial(study, trial, state, values);
}
