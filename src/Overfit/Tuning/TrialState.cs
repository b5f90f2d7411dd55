namespace Overfit.Tuning;

/// <summary>A trial's state, with Optuna's numeric values (stored as such by the RDB storages).</summary>
public enum TrialState
{
    /// <summary>Asked and not yet told.</summary>
    Running = 0,
    /// <summary>Finished with objective value(s).</summary>
    Complete = 1,
    /// <summary>Stopped early by a pruner.</summary>
    Pruned = 2,
    /// <summary>The objective threw or returned an invalid value.</summary>
    Fail = 3,
    /// <summary>Enqueued and waiting to be asked.</summary>
    Waiting = 4,
}

/// <summary>Optimization direction of one objective (Optuna's values: NOT_SET 0, MINIMIZE 1, MAXIMIZE 2).</summary>
public enum StudyDirection
{
    /// <summary>Direction not set (Optuna's NOT_SET).</summary>
    NotSet = 0,
    /// <summary>Smaller values are better.</summary>
    Minimize = 1,
    /// <summary>Larger values are better.</summary>
    Maximize = 2,
}

/// <summary>Helpers on <see cref="TrialState"/>.</summary>
public static class TrialStateExtensions
{
    /// <summary>Complete, pruned and failed trials are finished; their record no longer changes.</summary>
    public static bool IsFinished(this TrialState state) => state is TrialState.Complete or TrialState.Pruned or TrialState.Fail;
}
