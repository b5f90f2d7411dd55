namespace Overfit.Tuning;

/// <summary>
/// Stops the optimization once the study holds <c>nTrials</c> trials in the given states (Optuna's MaxTrialsCallback;
/// COMPLETE by default), counting trials of every worker. Pass <see cref="Invoke"/> (or the object itself) as a callback.
/// </summary>
public sealed class MaxTrialsCallback
{
    private readonly int _nTrials;
    private readonly TrialState[] _states;

    public MaxTrialsCallback(int nTrials, IReadOnlyCollection<TrialState>? states = null)
    {
        if (nTrials < 0) throw new ArgumentOutOfRangeException(nameof(nTrials), nTrials, $"nTrials must be >= 0, got {nTrials}");
        _nTrials = nTrials;
        _states = states?.ToArray() ?? [TrialState.Complete];
    }

    public void Invoke(Study study, FrozenTrial trial)
    {
        if (study.Storage.GetNTrials(study.StudyId, _states) >= _nTrials) study.Stop();
    }

    public static implicit operator Action<Study, FrozenTrial>(MaxTrialsCallback callback) => callback.Invoke;
}

/// <summary>
/// Stops the optimization when the best value has not improved by more than <c>minDelta</c> over the last
/// <c>patience</c> complete trials (single objective; the early-stopping rule of training loops, applied to trials).
/// </summary>
public sealed class NoImprovementCallback
{
    private readonly int _patience;
    private readonly double _minDelta;

    public NoImprovementCallback(int patience, double minDelta = 0.0)
    {
        if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), patience, $"patience must be >= 1, got {patience}");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"minDelta must be >= 0, got {minDelta}");
        (_patience, _minDelta) = (patience, minDelta);
    }

    public void Invoke(Study study, FrozenTrial trial)
    {
        if (study.IsMultiObjective) throw new NotSupportedException("NoImprovementCallback supports single-objective studies only");
        var complete = study.GetTrials([TrialState.Complete]);
        if (complete.Count <= _patience) return;
        bool maximize = study.Direction == StudyDirection.Maximize;
        double Best(IEnumerable<FrozenTrial> ts) => maximize ? ts.Max(t => t.Values![0]) : ts.Min(t => t.Values![0]);
        double before = Best(complete.Take(complete.Count - _patience));
        double now = Best(complete);
        bool improved = maximize ? now > before + _minDelta : now < before - _minDelta;
        if (!improved) study.Stop();
    }

    public static implicit operator Action<Study, FrozenTrial>(NoImprovementCallback callback) => callback.Invoke;
}
