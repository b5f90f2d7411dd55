using System.Collections.Immutable;

namespace Overfit.Tuning;

/// <summary>
/// An immutable record of one trial as the storage holds it (Optuna's FrozenTrial). Samplers and pruners only ever see
/// these; storages return fresh records after every change.
/// </summary>
public sealed record FrozenTrial
{
    /// <summary>Position of the trial within its study, from 0.</summary>
    public required int Number { get; init; }
    /// <summary>Storage-wide identifier.</summary>
    public required int TrialId { get; init; }
    /// <summary>The trial's state.</summary>
    public required TrialState State { get; init; }
    /// <summary>One value per objective once complete (and for pruned trials with a last intermediate value); null otherwise.</summary>
    public IReadOnlyList<double>? Values { get; init; }
    /// <summary>When the trial started running (null while waiting).</summary>
    public DateTime? DatetimeStart { get; init; }
    /// <summary>When the trial finished (null while running).</summary>
    public DateTime? DatetimeComplete { get; init; }
    /// <summary>Parameter values in the internal representation (the value, or the choice index of a categorical).</summary>
    public ImmutableDictionary<string, double> InternalParams { get; init; } = ImmutableDictionary<string, double>.Empty;
    /// <summary>Distribution of every suggested parameter.</summary>
    public ImmutableDictionary<string, Distribution> Distributions { get; init; } = ImmutableDictionary<string, Distribution>.Empty;
    /// <summary>User attributes, JSON-shaped: null, bool, long, double, string, object?[] or IReadOnlyDictionary&lt;string, object?&gt;.</summary>
    public ImmutableDictionary<string, object?> UserAttrs { get; init; } = ImmutableDictionary<string, object?>.Empty;
    /// <summary>System attributes set by samplers, pruners and callbacks (JSON-shaped).</summary>
    public ImmutableDictionary<string, object?> SystemAttrs { get; init; } = ImmutableDictionary<string, object?>.Empty;
    /// <summary>Reported intermediate values by step (NaN allowed, as Optuna stores it).</summary>
    public ImmutableSortedDictionary<int, double> IntermediateValues { get; init; } = ImmutableSortedDictionary<int, double>.Empty;

    /// <summary>The single objective value; throws for multi-objective trials.</summary>
    public double? Value
    {
        get
        {
            if (Values is null) return null;
            if (Values.Count != 1) throw new InvalidOperationException($"trial {Number} has {Values.Count} objective values; use Values");
            return Values[0];
        }
    }

    /// <summary>Parameter values as the user sees them (double, int or the categorical choice).</summary>
    public IReadOnlyDictionary<string, object?> Params
        => InternalParams.ToDictionary(p => p.Key, p => Distributions[p.Key].ToExternal(p.Value));

    /// <summary>The largest reported step, or null when nothing was reported.</summary>
    public int? LastStep => IntermediateValues.Count == 0 ? null : IntermediateValues.Keys.Max();

    /// <summary>Wall time between start and completion, when both are known.</summary>
    public TimeSpan? Duration => DatetimeStart is { } s && DatetimeComplete is { } c ? c - s : null;
}
