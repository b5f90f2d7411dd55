namespace Overfit.Tuning;

/// <summary>
/// A running trial handed out by <see cref="Study.Ask"/> (Optuna's Trial): suggests parameters, reports intermediate
/// values and asks the pruner. Suggesting a name again with the same distribution returns the stored value; with a
/// different distribution it throws. Not meant to be shared between threads.
/// </summary>
public sealed class Trial
{
    private FrozenTrial _cached;
    private readonly IReadOnlyDictionary<string, Distribution> _relativeSearchSpace;
    private readonly IReadOnlyDictionary<string, double> _relativeParams;

    internal Trial(Study study, int trialId)
    {
        Study = study;
        TrialId = trialId;
        _cached = study.Storage.GetTrial(trialId);
        var view = study.ForSampling(_cached);
        study.Sampler.BeforeTrial(view, _cached);
        _relativeSearchSpace = study.Sampler.InferRelativeSearchSpace(view, _cached);
        _relativeParams = _relativeSearchSpace.Count == 0 ? EmptyParams : study.Sampler.SampleRelative(view, _cached, _relativeSearchSpace);
    }

    private static readonly IReadOnlyDictionary<string, double> EmptyParams = new Dictionary<string, double>();

    /// <summary>The study this trial belongs to.</summary>
    public Study Study { get; }
    /// <summary>The trial's id in the storage.</summary>
    public int TrialId { get; }
    /// <summary>Position of the trial within its study, from 0.</summary>
    public int Number => _cached.Number;
    /// <summary>When the trial started running.</summary>
    public DateTime? DatetimeStart => _cached.DatetimeStart;
    /// <summary>Parameters suggested so far, as the user sees them.</summary>
    public IReadOnlyDictionary<string, object?> Params => _cached.Params;
    /// <summary>Distribution of every parameter suggested so far.</summary>
    public IReadOnlyDictionary<string, Distribution> Distributions => _cached.Distributions;
    /// <summary>The trial's user attributes, read from the storage.</summary>
    public IReadOnlyDictionary<string, object?> UserAttrs => Study.Storage.GetTrial(TrialId).UserAttrs;
    /// <summary>The trial's system attributes, read from the storage.</summary>
    public IReadOnlyDictionary<string, object?> SystemAttrs => Study.Storage.GetTrial(TrialId).SystemAttrs;

    /// <summary>A float in [low, high] (Optuna's suggest_float): on a grid of <paramref name="step"/>, or log-uniform with <paramref name="log"/>.</summary>
    public double SuggestFloat(string name, double low, double high, double? step = null, bool log = false)
        => (double)Suggest(name, new FloatDistribution(low, high, log, step, CheckName(name)))!;

    /// <summary>An integer in [low, high] on a grid of <paramref name="step"/> (Optuna's suggest_int), log-uniform with <paramref name="log"/>.</summary>
    public int SuggestInt(string name, int low, int high, int step = 1, bool log = false)
        => (int)Suggest(name, new IntDistribution(low, high, log, step, CheckName(name)))!;

    /// <summary>One of <paramref name="choices"/> (Optuna's suggest_categorical); choices are null, bool, integers, floats or strings.</summary>
    public T SuggestCategorical<T>(string name, IReadOnlyList<T> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var distribution = new CategoricalDistribution(choices.Select(c => (object?)c), CheckName(name));
        Suggest(name, distribution);
        return choices[(int)_cached.InternalParams[name]];
    }

    internal object? Suggest(string name, Distribution distribution)
    {
        EnsureRunning();
        if (_cached.Distributions.TryGetValue(name, out var existing))
        {
            if (!existing.Equals(distribution))
                throw new ArgumentException($"parameter '{name}' was already suggested in trial {Number} with {existing}; suggesting it again with {distribution} is not allowed", nameof(distribution));
            return existing.ToExternal(_cached.InternalParams[name]);
        }
        double value;
        if (FixedValue(name, distribution) is { } fixedValue) value = fixedValue;
        else if (distribution.Single) value = distribution switch
        {
            FloatDistribution f => f.Low,
            IntDistribution i => i.Low,
            _ => 0,
        };
        else if (_relativeParams.TryGetValue(name, out double relative) && _relativeSearchSpace.TryGetValue(name, out var relDist)
                 && relDist.Equals(distribution) && distribution.Contains(relative))
            value = relative;
        else
        {
            value = Study.Sampler.SampleIndependent(Study.ForSampling(_cached), _cached, name, distribution);
            if (double.IsNaN(value)) throw new InvalidOperationException($"the sampler {Study.Sampler.GetType().Name} returned NaN for parameter '{name}'");
        }
        Study.Storage.SetTrialParam(TrialId, name, value, distribution);
        _cached = _cached with
        {
            InternalParams = _cached.InternalParams.SetItem(name, value),
            Distributions = _cached.Distributions.SetItem(name, distribution),
        };
        return distribution.ToExternal(value);
    }

    /// <summary>The enqueued value of a parameter, converted to the internal representation; values outside the space are still used, as in Optuna.</summary>
    private double? FixedValue(string name, Distribution distribution)
    {
        if (!_cached.SystemAttrs.TryGetValue(Study.FixedParamsKey, out var f) || f is not IReadOnlyDictionary<string, object?> fixedParams
            || !fixedParams.TryGetValue(name, out var external))
            return null;
        try { return distribution.ToInternal(external); }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"parameter '{name}': the enqueued value {external ?? "null"} does not fit {distribution} ({e.Message})", nameof(distribution), e);
        }
    }

    /// <summary>Reports an intermediate objective value at a step (Optuna's report); a step reported twice keeps its first value.</summary>
    public void Report(double value, int step)
    {
        EnsureRunning();
        if (Study.IsMultiObjective) throw new NotSupportedException("Report is not supported for multi-objective studies (as in Optuna)");
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be >= 0, got {step}");
        if (_cached.IntermediateValues.ContainsKey(step)) return;
        Study.Storage.SetTrialIntermediateValue(TrialId, step, value);
        _cached = _cached with { IntermediateValues = _cached.IntermediateValues.SetItem(step, value) };
    }

    /// <summary>Asks the study's pruner whether to stop this trial now (Optuna's should_prune); throw <see cref="TrialPrunedException"/> when it says so.</summary>
    public bool ShouldPrune()
    {
        EnsureRunning();
        if (Study.IsMultiObjective) throw new NotSupportedException("ShouldPrune is not supported for multi-objective studies (as in Optuna)");
        return Study.Pruner.Prune(Study, Study.Storage.GetTrial(TrialId));
    }

    /// <summary>Sets a user attribute (JSON-shaped value; like optuna's trial.set_user_attr).</summary>
    /// <exception cref="InvalidOperationException">The trial is no longer running.</exception>
    public void SetUserAttr(string key, object? value)
    {
        EnsureRunning();
        Study.Storage.SetTrialUserAttr(TrialId, key, value);
    }

    /// <summary>Sets a system attribute (JSON-shaped value).</summary>
    /// <exception cref="InvalidOperationException">The trial is no longer running.</exception>
    public void SetSystemAttr(string key, object? value)
    {
        EnsureRunning();
        Study.Storage.SetTrialSystemAttr(TrialId, key, value);
    }

    internal int TrialIdFor(Study study)
    {
        if (study.StudyId != Study.StudyId || !ReferenceEquals(study.Storage, Study.Storage))
            throw new ArgumentException($"trial {Number} belongs to study '{Study.StudyName}', not '{study.StudyName}'", "trial");
        return TrialId;
    }

    private void EnsureRunning()
    {
        var state = Study.Storage.GetTrial(TrialId).State;
        if (state != TrialState.Running)
            throw new InvalidOperationException($"trial {Number} is {state}; parameters, reports and attributes can only change while it is Running");
    }

    private static string CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) throw new ArgumentException("a parameter name must not be empty", nameof(name));
        return name;
    }
}

/// <summary>Thrown from an objective to stop a trial early (Optuna's TrialPruned); the trial ends PRUNED.</summary>
public sealed class TrialPrunedException(string? message = null) : Exception(message ?? "trial pruned");
