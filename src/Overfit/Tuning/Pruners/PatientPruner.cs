namespace Overfit.Tuning;

/// <summary>
/// Waits <c>patience</c> steps without improvement (by more than <c>minDelta</c>) before handing the decision to the
/// wrapped pruner, or pruning itself when there is none (Optuna's PatientPruner).
/// </summary>
public sealed class PatientPruner : IPruner
{
    private readonly IPruner? _wrapped;
    private readonly int _patience;
    private readonly double _minDelta;

    /// <summary>Waits <paramref name="patience"/> steps without improvement (like optuna.pruners.PatientPruner).</summary>
    /// <param name="wrappedPruner">Pruner consulted after the patience runs out, or null to prune then.</param>
    /// <param name="patience">Steps without improvement tolerated, ≥ 0.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">patience or minDelta is negative.</exception>
    public PatientPruner(IPruner? wrappedPruner, int patience, double minDelta = 0.0)
    {
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, $"patience must be >= 0, got {patience}");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"minDelta must be >= 0, got {minDelta}");
        (_wrapped, _patience, _minDelta) = (wrappedPruner, patience, minDelta);
    }

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        if (trial.LastStep is null) return false;
        var steps = trial.IntermediateValues.Keys.ToArray(); // sorted
        if (steps.Length <= _patience + 1) return false;
        var before = steps[..^(_patience + 1)].Select(s => trial.IntermediateValues[s]);
        var after = steps[^(_patience + 1)..].Select(s => trial.IntermediateValues[s]);
        bool maybePrune = study.Direction == StudyDirection.Minimize
            ? NanMin(before) + _minDelta < NanMin(after)
            : NanMax(before) - _minDelta > NanMax(after);
        return maybePrune && (_wrapped?.Prune(study, trial) ?? true);
    }

    private static double NanMin(IEnumerable<double> v) => v.Where(x => !double.IsNaN(x)).DefaultIfEmpty(double.NaN).Min();
    private static double NanMax(IEnumerable<double> v) => v.Where(x => !double.IsNaN(x)).DefaultIfEmpty(double.NaN).Max();
}

/// <summary>Prunes when the latest intermediate value leaves [lower, upper] or is NaN (Optuna's ThresholdPruner).</summary>
public sealed class ThresholdPruner : IPruner
{
    private readonly double _lower, _upper;
    private readonly int _nWarmupSteps, _intervalSteps;

    /// <summary>Prunes outside [lower, upper] (like optuna.pruners.ThresholdPruner).</summary>
    /// <param name="lower">Lowest acceptable value, or null.</param>
    /// <param name="upper">Highest acceptable value, or null.</param>
    /// <param name="nWarmupSteps">Steps before pruning starts.</param>
    /// <param name="intervalSteps">Check every this many steps, ≥ 1.</param>
    /// <exception cref="ArgumentException">Neither bound is given, or lower &gt; upper.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A bound is NaN, nWarmupSteps negative or intervalSteps &lt; 1.</exception>
    public ThresholdPruner(double? lower = null, double? upper = null, int nWarmupSteps = 0, int intervalSteps = 1)
    {
        if (lower is null && upper is null) throw new ArgumentException("give lower, upper or both", nameof(lower));
        if (lower is { } l && double.IsNaN(l)) throw new ArgumentOutOfRangeException(nameof(lower), lower, "lower must not be NaN");
        if (upper is { } u && double.IsNaN(u)) throw new ArgumentOutOfRangeException(nameof(upper), upper, "upper must not be NaN");
        _lower = lower ?? double.NegativeInfinity;
        _upper = upper ?? double.PositiveInfinity;
        if (_lower > _upper) throw new ArgumentException($"lower must be <= upper, got lower={_lower}, upper={_upper}", nameof(lower));
        if (nWarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(nWarmupSteps), nWarmupSteps, $"nWarmupSteps must be >= 0, got {nWarmupSteps}");
        if (intervalSteps < 1) throw new ArgumentOutOfRangeException(nameof(intervalSteps), intervalSteps, $"intervalSteps must be >= 1, got {intervalSteps}");
        (_nWarmupSteps, _intervalSteps) = (nWarmupSteps, intervalSteps);
    }

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        if (trial.LastStep is not { } step || step < _nWarmupSteps) return false;
        if (!PercentilePruner.IsFirstInIntervalStep(step, trial.IntermediateValues.Keys, _nWarmupSteps, _intervalSteps)) return false;
        double v = trial.IntermediateValues[step];
        return double.IsNaN(v) || v < _lower || v > _upper;
    }
}
