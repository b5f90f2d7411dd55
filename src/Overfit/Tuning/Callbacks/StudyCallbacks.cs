namespace Overfit.Tuning;

/// <summary>
/// Stops the optimization once the study holds <c>nTrials</c> trials in the given states (Optuna's MaxTrialsCallback;
/// COMPLETE by default), counting trials of every worker. Pass <see cref="Invoke"/> (or the object itself) as a callback.
/// </summary>
public sealed class MaxTrialsCallback
{
    private readonly int _nTrials;
    private readonly TrialState[] _states;

    /// <summary>Stops at <paramref name="nTrials"/> trials in <paramref name="states"/> (like optuna.study.MaxTrialsCallback).</summary>
    /// <param name="nTrials">Trial count that stops the study, ≥ 0.</param>
    /// <param name="states">States counted (default: Complete only).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nTrials"/> is negative.</exception>
    public MaxTrialsCallback(int nTrials, IReadOnlyCollection<TrialState>? states = null)
    {
        if (nTrials < 0) throw new ArgumentOutOfRangeException(nameof(nTrials), nTrials, $"nTrials must be >= 0, got {nTrials}");
        _nTrials = nTrials;
        _states = states?.ToArray() ?? [TrialState.Complete];
    }

    /// <summary>Stops the study once the count is reached; called after each trial.</summary>
    public void Invoke(Study study, FrozenTrial trial)
    {
        if (study.Storage.GetNTrials(study.StudyId, _states) >= _nTrials) study.Stop();
    }

    /// <summary>Lets the callback be passed where an Action&lt;Study, FrozenTrial&gt; is expected.</summary>
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

    /// <summary>Stops after <paramref name="patience"/> complete trials without an improvement larger than <paramref name="minDelta"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">patience &lt; 1 or minDelta negative or NaN.</exception>
    public NoImprovementCallback(int patience, double minDelta = 0.0)
    {
        if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), patience, $"patience must be >= 1, got {patience}");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"minDelta must be >= 0, got {minDelta}");
        (_patience, _minDelta) = (patience, minDelta);
    }

    /// <summary>Stops the study when the best value has not improved over the last Patience complete trials; called after each trial.</summary>
    /// <exception cref="NotSupportedException">The study is multi-objective.</exception>
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

    /// <summary>Lets the callback be passed where an Action&lt;Study, FrozenTrial&gt; is expected.</summary>
    public static implicit operator Action<Study, FrozenTrial>(NoImprovementCallback callback) => callback.Invoke;
}
