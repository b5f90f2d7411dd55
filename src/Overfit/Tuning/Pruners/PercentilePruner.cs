namespace Overfit.Tuning;

/// <summary>Never prunes (Optuna's NopPruner).</summary>
public sealed class NopPruner : IPruner
{
    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial) => false;
}

/// <summary>
/// Prunes a trial whose best intermediate value so far is worse than the given percentile of the completed trials'
/// values at the same step (Optuna's PercentilePruner; minimization keeps values below the percentile).
/// </summary>
public class PercentilePruner : IPruner
{
    private readonly double _percentile;
    private readonly int _nStartupTrials, _nWarmupSteps, _intervalSteps, _nMinTrials;

    /// <summary>Defaults as Optuna's: 5 startup trials, no warm-up, every step, at least 1 trial at the step.</summary>
    public PercentilePruner(double percentile, int nStartupTrials = 5, int nWarmupSteps = 0, int intervalSteps = 1, int nMinTrials = 1)
    {
        if (!(percentile >= 0 && percentile <= 100)) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, $"percentile must be in [0, 100], got {percentile}");
        if (nStartupTrials < 0) throw new ArgumentOutOfRangeException(nameof(nStartupTrials), nStartupTrials, $"nStartupTrials must be >= 0, got {nStartupTrials}");
        if (nWarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(nWarmupSteps), nWarmupSteps, $"nWarmupSteps must be >= 0, got {nWarmupSteps}");
        if (intervalSteps < 1) throw new ArgumentOutOfRangeException(nameof(intervalSteps), intervalSteps, $"intervalSteps must be >= 1, got {intervalSteps}");
        if (nMinTrials < 1) throw new ArgumentOutOfRangeException(nameof(nMinTrials), nMinTrials, $"nMinTrials must be >= 1, got {nMinTrials}");
        (_percentile, _nStartupTrials, _nWarmupSteps, _intervalSteps, _nMinTrials) = (percentile, nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials);
    }

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        var completed = study.GetTrials([TrialState.Complete]);
        if (completed.Count == 0 || completed.Count < _nStartupTrials) return false;
        if (trial.LastStep is not { } step || step < _nWarmupSteps) return false;
        if (!IsFirstInIntervalStep(step, trial.IntermediateValues.Keys, _nWarmupSteps, _intervalSteps)) return false;
        var direction = study.Direction;
        double best = BestIntermediate(trial, direction);
        if (double.IsNaN(best)) return true;
        var atStep = new List<double>();
        foreach (var t in completed)
            if (t.IntermediateValues.TryGetValue(step, out double v)) atStep.Add(v);
        if (atStep.Count < _nMinTrials) return false;
        double p = NanPercentile(atStep, direction == StudyDirection.Maximize ? 100 - _percentile : _percentile);
        if (double.IsNaN(p)) return false;
        return direction == StudyDirection.Maximize ? best < p : best > p;
    }

    /// <summary>nanmin / nanmax of the reported values (NaN when all are NaN).</summary>
    internal static double BestIntermediate(FrozenTrial trial, StudyDirection direction)
    {
        double best = double.NaN;
        foreach (double v in trial.IntermediateValues.Values)
        {
            if (double.IsNaN(v)) continue;
            if (double.IsNaN(best) || (direction == StudyDirection.Maximize ? v > best : v < best)) best = v;
        }
        return best;
    }

    /// <summary>True when no earlier report falls in the current pruning interval, so each interval is checked once.</summary>
    internal static bool IsFirstInIntervalStep(int step, IEnumerable<int> steps, int nWarmupSteps, int intervalSteps)
    {
        int nearestLower = (step - nWarmupSteps) / intervalSteps * intervalSteps + nWarmupSteps;
        int secondLast = -1;
        foreach (int s in steps) if (s > secondLast && s != step) secondLast = s;
        return secondLast < nearestLower;
    }

    /// <summary>numpy.nanpercentile with linear interpolation.</summary>
    internal static double NanPercentile(IEnumerable<double> values, double percentile)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        double pos = percentile / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}

/// <summary>Prunes a trial whose best intermediate value is worse than the median of earlier trials at the same step (Optuna's MedianPruner).</summary>
public sealed class MedianPruner(int nStartupTrials = 5, int nWarmupSteps = 0, int intervalSteps = 1, int nMinTrials = 1)
    : PercentilePruner(50.0, nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials);
