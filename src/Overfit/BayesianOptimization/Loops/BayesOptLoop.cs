using Overfit.Tensors;

namespace Overfit.BayesianOptimization;

/// <summary>Acquisition of <see cref="BayesOptLoop"/> (bayes_opt's UtilityFunction kinds).</summary>
public enum BayesOptAcquisition
{
    /// <summary>mean + kappa·std (bayes_opt's default, kappa = 2.576).</summary>
    UpperConfidenceBound,
    /// <summary>Expected improvement over the best target plus xi (xi = 0.01).</summary>
    ExpectedImprovement,
}

/// <summary>
/// The bayes_opt loop: <c>new BayesOptLoop(f, pbounds, randomState).Maximize(initPoints, nIter)</c>, with its
/// defaults: a <see cref="GaussianProcesses.GaussianProcessRegressor"/> with an isotropic Matern-2.5 kernel on raw
/// inputs, alpha 1e-6, normalize_y and 5 optimizer restarts (bayes_opt's scikit-learn surrogate);
/// UCB (kappa 2.576) or EI (xi 0.01) maximized over 10,000 random points, then L-BFGS from the best 10 of them.
/// Parameters are ordered by name (as bayes_opt sorts them). Maximizes the target.
/// </summary>
public sealed class BayesOptLoop
{
    private readonly Func<IReadOnlyDictionary<string, double>, double> _objective;
    private readonly string[] _keys;
    private readonly Bounds _bounds;
    private readonly Generator _rng;
    private readonly EvaluationLog _log;
    private int _fits;

    /// <summary>A loop maximizing <paramref name="f"/> over <paramref name="pbounds"/> (like bayes_opt.BayesianOptimization).</summary>
    /// <param name="f">The target, called with parameters by name.</param>
    /// <param name="pbounds">Low and high of every parameter (low &lt; high).</param>
    /// <param name="randomState">Seed of the random points (bayes_opt's random_state).</param>
    /// <param name="log">Receives one line per evaluation, or null.</param>
    /// <exception cref="ArgumentNullException">f or pbounds is null.</exception>
    /// <exception cref="ArgumentException">pbounds is empty or has a low ≥ high.</exception>
    public BayesOptLoop(Func<IReadOnlyDictionary<string, double>, double> f, IReadOnlyDictionary<string, (double Low, double High)> pbounds,
        int randomState = 0, TextWriter? log = null)
    {
        _objective = f ?? throw new ArgumentNullException(nameof(f));
        ArgumentNullException.ThrowIfNull(pbounds);
        if (pbounds.Count == 0) throw new ArgumentException("expected at least one parameter bound, got none", nameof(pbounds));
        _keys = pbounds.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        foreach (var k in _keys)
            if (!(pbounds[k].Low < pbounds[k].High))
                throw new ArgumentException($"bounds of '{k}': expected low < high, got low {pbounds[k].Low} and high {pbounds[k].High}", nameof(pbounds));
        _bounds = new Bounds(_keys.Select(k => pbounds[k].Low).ToArray(), _keys.Select(k => pbounds[k].High).ToArray());
        _rng = new Generator((ulong)randomState);
        _log = new EvaluationLog(log);
    }

    /// <summary>Acquisition to maximize (default UCB).</summary>
    public BayesOptAcquisition Acquisition { get; init; } = BayesOptAcquisition.UpperConfidenceBound;
    /// <summary>UCB exploration weight κ (default 2.576).</summary>
    public double Kappa { get; init; } = 2.576;
    /// <summary>EI exploration margin ξ (default 0.01).</summary>
    public double Xi { get; init; } = 0.01;
    /// <summary>Random points scored before L-BFGS (default 10,000).</summary>
    public int WarmupPoints { get; init; } = 10_000;
    /// <summary>L-BFGS starts taken from the best random points (default 10).</summary>
    public int OptimizerSeeds { get; init; } = 10;

    /// <summary>Parameter names, in sorted order (the order of coordinates).</summary>
    public IReadOnlyList<string> Keys => _keys;
    /// <summary>Every evaluation in order (bayes_opt's res).</summary>
    public IReadOnlyList<EvaluationRecord> Res => _log.Records;
    /// <summary>Warnings raised during the run (e.g. failed objective calls).</summary>
    public IReadOnlyList<string> Warnings => _log.Warnings;

    /// <summary>The best complete evaluation: target and parameters by name (null before any).</summary>
    public (double Target, IReadOnlyDictionary<string, double> Params)? Max
        => _log.BestIndex < 0 ? null : (_log.Best, ToDictionary(_log.Records[_log.BestIndex].Parameters));

    /// <summary>Evaluates the target at the given parameters (bayes_opt's probe).</summary>
    public EvaluationRecord Probe(IReadOnlyDictionary<string, double> parameters)
    {
        var x = _keys.Select(k => parameters.TryGetValue(k, out var v) ? v : throw new ArgumentException($"missing parameter '{k}'", nameof(parameters))).ToArray();
        return Evaluate(x);
    }

    /// <summary>initPoints uniformly random evaluations, then nIter model-guided ones.</summary>
    public BayesOptLoop Maximize(int initPoints = 5, int nIter = 25)
    {
        if (initPoints < 0) throw new ArgumentOutOfRangeException(nameof(initPoints), initPoints, $"expected initPoints >= 0, got {initPoints}");
        if (nIter < 0) throw new ArgumentOutOfRangeException(nameof(nIter), nIter, $"expected nIter >= 0, got {nIter}");
        for (int i = 0; i < initPoints; i++) Evaluate(RandomPoint());
        for (int i = 0; i < nIter; i++) Evaluate(Suggest());
        return this;
    }

    /// <summary>The next point to evaluate: the acquisition's maximizer under a GP fitted to all complete evaluations.</summary>
    public double[] Suggest()
    {
        var (x, y) = _log.Observations(_bounds.Dimension);
        if (y.Length == 0) return RandomPoint();
        return BayesOptProposal.Propose(x, y, _bounds, _rng, (ulong)_fits++, Acquisition, Kappa, Xi, WarmupPoints, OptimizerSeeds);
    }

    private double[] RandomPoint()
    {
        var x = new double[_bounds.Dimension];
        for (int i = 0; i < x.Length; i++) x[i] = _bounds.Lower[i] + (_bounds.Upper[i] - _bounds.Lower[i]) * _rng.NextDouble();
        return x;
    }

    private EvaluationRecord Evaluate(double[] x) => _log.Evaluate(x, p => _objective(ToDictionary(p)), Describe);

    private Dictionary<string, double> ToDictionary(double[] x)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < _keys.Length; i++) d[_keys[i]] = x[i];
        return d;
    }

    private string Describe(double[] x)
        => string.Join(", ", _keys.Select((k, i) => FormattableString.Invariant($"{k}={x[i]:G6}")));
}
