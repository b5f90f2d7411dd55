namespace Overfit.Tuning;

/// <summary>
/// Constraint values of trials, shared by the samplers that take a <c>constraintsFunc</c> (Optuna's
/// _process_constraints_after_trial and the "constraints" system attribute): a trial is feasible when every value is
/// ≤ 0, and its violation is the sum of the positive values.
/// </summary>
internal static class TrialConstraints
{
    /// <summary>The trial system attribute holding the values, a JSON list as Optuna stores it.</summary>
    public const string Key = "constraints";

    /// <summary>
    /// Evaluates <paramref name="constraintsFunc"/> on a trial about to finish as Complete or Pruned (other states are
    /// left alone) and stores the values. As in Optuna, the attribute is written even when the function throws or returns
    /// NaN (as null, so the trial ranks after every trial with values), and the error then propagates.
    /// </summary>
    public static void Store(Func<FrozenTrial, IReadOnlyList<double>> constraintsFunc, Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        if (state is not (TrialState.Complete or TrialState.Pruned)) return;
        object?[]? stored = null;
        try
        {
            var constraints = constraintsFunc(trial with { State = state, Values = values })
                ?? throw new InvalidOperationException($"constraintsFunc returned null for trial {trial.Number}; expected a list of constraint values");
            if (constraints.Any(double.IsNaN)) throw new InvalidOperationException($"constraintsFunc: the constraint values of trial {trial.Number} contain NaN");
            stored = constraints.Select(c => (object?)c).ToArray();
        }
        finally
        {
            study.Storage.SetTrialSystemAttr(trial.TrialId, Key, stored);
        }
    }

    /// <summary>The stored values, or null when the trial has none.</summary>
    /// <exception cref="InvalidOperationException">the attribute holds something other than a list of numbers.</exception>
    public static double[]? Read(FrozenTrial trial)
    {
        if (!trial.SystemAttrs.TryGetValue(Key, out var c) || c is null) return null;
        return c switch
        {
            IEnumerable<double> d => d.ToArray(),
            object?[] items => items.Select(v => v is IConvertible ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"trial {trial.Number} has a constraint value of type {v?.GetType().Name ?? "null"}")).ToArray(),
            _ => throw new InvalidOperationException($"trial {trial.Number} has constraint values of type {c.GetType().Name}"),
        };
    }

    /// <summary>Sum of the positive constraint values (0 for a feasible trial); +∞ for a trial without values.</summary>
    public static double Violation(FrozenTrial trial)
    {
        var c = Read(trial);
        if (c is null) return double.PositiveInfinity;
        double sum = 0;
        foreach (var v in c) if (v > 0) sum += v;
        return sum;
    }
}
