using System.Collections.Immutable;

namespace Overfit.Tuning;

/// <summary>
/// Re-enqueues a failed trial as WAITING with the same parameters and user attributes (Optuna's
/// RetryFailedTrialCallback), typically given to <see cref="RdbStorage"/> as its failed-trial callback so trials whose
/// worker died are run again. The copy records the first failed trial's number ("failed_trial") and the numbers of
/// every try so far ("retry_history"); at most <c>maxRetry</c> retries are made when it is given.
/// </summary>
public sealed class RetryFailedTrialCallback
{
    private const string FailedTrialKey = "failed_trial";
    private const string RetryHistoryKey = "retry_history";
    private readonly int? _maxRetry;
    private readonly bool _inheritIntermediateValues;

    /// <summary>Retries at most <paramref name="maxRetry"/> times (unbounded when null); optionally keeps the reported intermediate values.</summary>
    public RetryFailedTrialCallback(int? maxRetry = null, bool inheritIntermediateValues = false)
    {
        if (maxRetry is < 0) throw new ArgumentOutOfRangeException(nameof(maxRetry), maxRetry, "expected null or a non-negative count");
        _maxRetry = maxRetry;
        _inheritIntermediateValues = inheritIntermediateValues;
    }

    /// <summary>Enqueues the retry of <paramref name="trial"/> in <paramref name="study"/>.</summary>
    public void Invoke(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var history = RetryHistory(trial).Append(trial.Number).Select(n => (object?)(long)n).ToArray();
        if (_maxRetry is { } max && max < history.Length) return;
        var system = trial.SystemAttrs
            .SetItem(FailedTrialKey, RetriedTrialNumber(trial) is { } first ? (long)first : (long)trial.Number)
            .SetItem(RetryHistoryKey, history);
        study.AddTrial(new FrozenTrial
        {
            Number = -1,
            TrialId = -1,
            State = TrialState.Waiting,
            InternalParams = trial.InternalParams,
            Distributions = trial.Distributions,
            UserAttrs = trial.UserAttrs,
            SystemAttrs = system,
            IntermediateValues = _inheritIntermediateValues ? trial.IntermediateValues : ImmutableSortedDictionary<int, double>.Empty,
        });
    }

    /// <summary>The number of the first failed trial this one retries, or null when it is not a retry.</summary>
    public static int? RetriedTrialNumber(FrozenTrial trial)
        => trial.SystemAttrs.TryGetValue(FailedTrialKey, out var n) && n is not null ? Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Numbers of the tries before this trial, oldest first; empty when it is not a retry.</summary>
    public static IReadOnlyList<int> RetryHistory(FrozenTrial trial)
        => trial.SystemAttrs.TryGetValue(RetryHistoryKey, out var h) && h is object?[] list
            ? list.Select(n => Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [];

    /// <summary>Lets the callback be passed where an Action&lt;Study, FrozenTrial&gt; is expected.</summary>
    public static implicit operator Action<Study, FrozenTrial>(RetryFailedTrialCallback callback) => callback.Invoke;
}
