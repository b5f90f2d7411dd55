namespace Overfit.Tuning;

public sealed partial class Study
{
    /// <summary>System attribute holding an enqueued trial's fixed parameters (Optuna's "fixed_params").</summary>
    internal const string FixedParamsKey = "fixed_params";
    /// <summary>System attribute holding why a trial failed.</summary>
    public const string FailReasonKey = "fail_reason";

    /// <summary>
    /// System attribute naming the worker that ran a trial of <see cref="Optimize(Func{Trial, double}, int?, TimeSpan?, int, IEnumerable{Action{Study, FrozenTrial}}?, IReadOnlyCollection{Type}?, IProgress{StudyProgress}?)"/>:
    /// "host/process id/thread id", so a timeline can put each worker's trials on its own lane. Optuna ignores it.
    /// </summary>
    public const string WorkerKey = "worker";

    /// <summary>
    /// Starts a trial (Optuna's ask): pops the oldest enqueued WAITING trial, else creates a RUNNING one, then lets the
    /// sampler sample its relative search space. Parameters in <paramref name="fixedDistributions"/> are suggested at once.
    /// </summary>
    public Trial Ask(IReadOnlyDictionary<string, Distribution>? fixedDistributions = null) => AskCore(fixedDistributions, repeatClaims: true)!;

    /// <summary>
    /// <see cref="Ask(IReadOnlyDictionary{string, Distribution}?)"/>, except that without <paramref name="repeatClaims"/>
    /// it returns null and stops the study when the sampler has nothing left to hand out (every grid point taken).
    /// </summary>
    internal Trial? AskCore(IReadOnlyDictionary<string, Distribution>? fixedDistributions, bool repeatClaims)
    {
        if (Storage is IHeartbeatStorage { HeartbeatInterval: not null }) FailStaleTrials();
        int? created = Storage.PopWaitingTrial(StudyId) ?? (Sampler is ITrialClaimingSampler claiming
            ? Storage.ClaimNewTrial(StudyId, trials => claiming.Claim(trials, repeatClaims))
            : Storage.CreateNewTrial(StudyId));
        if (created is not { } trialId)
        {
            Stop();
            return null;
        }
        var trial = new Trial(this, trialId);
        if (fixedDistributions is not null)
            foreach (var (name, distribution) in fixedDistributions) trial.Suggest(name, distribution);
        return trial;
    }

    /// <summary>Finishes a trial with one objective value; NaN marks it FAIL (Optuna semantics).</summary>
    public FrozenTrial Tell(Trial trial, double value) => Tell(trial.TrialIdFor(this), [value], null);
    /// <summary>Finishes a trial with one value per objective; NaN marks it FAIL, a wrong count throws and leaves it running.</summary>
    public FrozenTrial Tell(Trial trial, IReadOnlyList<double> values) => Tell(trial.TrialIdFor(this), values, null);
    /// <summary>Finishes a trial as PRUNED or FAIL (or COMPLETE with <paramref name="values"/>).</summary>
    public FrozenTrial Tell(Trial trial, TrialState state, IReadOnlyList<double>? values = null) => Tell(trial.TrialIdFor(this), values, state);
    /// <summary>Finishes the trial with this number.</summary>
    public FrozenTrial Tell(int trialNumber, double value) => Tell(TrialIdFromNumber(trialNumber), [value], null);
    /// <summary>Finishes the trial with this number.</summary>
    public FrozenTrial Tell(int trialNumber, IReadOnlyList<double> values) => Tell(TrialIdFromNumber(trialNumber), values, null);
    /// <summary>Finishes the trial with this number as <paramref name="state"/>.</summary>
    public FrozenTrial Tell(int trialNumber, TrialState state, IReadOnlyList<double>? values = null) => Tell(TrialIdFromNumber(trialNumber), values, state);

    private int TrialIdFromNumber(int trialNumber)
    {
        try { return Storage.GetTrialIdFromStudyIdTrialNumber(StudyId, trialNumber); }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException($"cannot tell trial number {trialNumber}: study '{StudyName}' has no such trial", nameof(trialNumber), e);
        }
    }

    internal FrozenTrial Tell(int trialId, IReadOnlyList<double>? values, TrialState? state, string? failReason = null)
    {
        var frozen = Storage.GetTrial(trialId);
        if (frozen.State != TrialState.Running)
            throw new InvalidOperationException($"cannot tell trial {frozen.Number}: it is {frozen.State}, not Running (each trial is told once)");
        switch (state)
        {
            case TrialState.Complete when values is null:
                throw new ArgumentException($"trial {frozen.Number}: values are required to tell state Complete", nameof(values));
            case TrialState.Pruned or TrialState.Fail when values is not null:
                throw new ArgumentException($"trial {frozen.Number}: values cannot be told with state {state}", nameof(values));
            case TrialState.Running or TrialState.Waiting:
                throw new ArgumentException($"trial {frozen.Number}: cannot tell state {state}; expected Complete, Pruned or Fail", nameof(state));
        }
        if (values is not null && values.Count != Directions.Count)
            throw new ArgumentException($"trial {frozen.Number}: expected {Directions.Count} objective value(s), got {values.Count}", nameof(values));
        if (state == TrialState.Complete && values!.Any(double.IsNaN))
            throw new ArgumentException($"trial {frozen.Number}: NaN cannot be told with state Complete", nameof(values));

        if (state == TrialState.Pruned)
        {
            // Optuna keeps the last reported intermediate value as a pruned trial's value when it is usable.
            values = frozen.LastStep is { } last && Directions.Count == 1 && !double.IsNaN(frozen.IntermediateValues[last])
                ? [frozen.IntermediateValues[last]] : null;
        }
        else if (state is null)
        {
            if (values!.Any(double.IsNaN))
            {
                state = TrialState.Fail;
                failReason ??= $"the objective value(s) [{string.Join(", ", values!)}] contain NaN";
                values = null;
            }
            else state = TrialState.Complete;
        }

        try
        {
            Sampler.AfterTrial(ForSampling(frozen), frozen, state.Value, values);
        }
        finally
        {
            // The reason and the state are one write, so a FAIL never lacks its reason after a crash.
            Storage.SetTrialStateValues(trialId, state.Value, values,
                failReason is not null && state == TrialState.Fail ? new Dictionary<string, object?> { [FailReasonKey] = failReason } : null);
        }
        return Storage.GetTrial(trialId);
    }

    /// <summary>
    /// Queues a trial whose parameters are fixed (Optuna's enqueue_trial): the next Ask gets it, and each Suggest of a
    /// listed name returns the given value. With <paramref name="skipIfExists"/>, nothing is queued when a trial with the
    /// same parameters already exists.
    /// </summary>
    public void EnqueueTrial(IReadOnlyDictionary<string, object?> parameters, IReadOnlyDictionary<string, object?>? userAttrs = null, bool skipIfExists = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (skipIfExists && HasTrialWithParams(parameters)) return;
        var template = new FrozenTrial
        {
            Number = -1,
            TrialId = -1,
            State = TrialState.Waiting,
            SystemAttrs = System.Collections.Immutable.ImmutableDictionary<string, object?>.Empty
                .Add(FixedParamsKey, parameters.ToDictionary(p => p.Key, p => p.Value)),
            UserAttrs = userAttrs is null ? System.Collections.Immutable.ImmutableDictionary<string, object?>.Empty
                : System.Collections.Immutable.ImmutableDictionary.CreateRange(userAttrs),
        };
        Storage.CreateNewTrial(StudyId, template);
    }

    /// <summary>Adds a finished (or waiting) trial made elsewhere (Optuna's add_trial).</summary>
    public void AddTrial(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.State == TrialState.Running) throw new ArgumentException("cannot add a Running trial; use Ask", nameof(trial));
        if (trial.State == TrialState.Complete && (trial.Values is null || trial.Values.Count != Directions.Count))
            throw new ArgumentException($"a Complete trial needs {Directions.Count} value(s), got {trial.Values?.Count ?? 0}", nameof(trial));
        foreach (var (name, v) in trial.InternalParams)
            if (!trial.Distributions.TryGetValue(name, out var d) || !d.Contains(v))
                throw new ArgumentException($"parameter '{name}': value {v} is missing a distribution or lies outside it", nameof(trial));
        Storage.CreateNewTrial(StudyId, trial);
    }

    private bool HasTrialWithParams(IReadOnlyDictionary<string, object?> parameters)
    {
        foreach (var t in GetTrials())
        {
            IReadOnlyDictionary<string, object?> existing = t.SystemAttrs.TryGetValue(FixedParamsKey, out var f) && f is IReadOnlyDictionary<string, object?> fixedParams
                ? fixedParams : t.Params;
            if (existing.Count != parameters.Count) continue;
            bool same = true;
            foreach (var (name, value) in parameters)
            {
                if (!existing.TryGetValue(name, out var other)) { same = false; break; }
                var a = CategoricalDistribution.Normalize(AttrJson.Normalize(value, name));
                var b = CategoricalDistribution.Normalize(AttrJson.Normalize(other, name));
                if (!CategoricalDistribution.ChoiceEquals(a, b)) { same = false; break; }
            }
            if (same) return true;
        }
        return false;
    }

    /// <summary>Fails RUNNING trials whose heartbeat went stale (Optuna's fail_stale_trials); done before each ask.</summary>
    public void FailStaleTrials()
    {
        if (Storage is not IHeartbeatStorage heartbeat || heartbeat.HeartbeatInterval is null) return;
        foreach (int trialId in heartbeat.GetStaleTrialIds(StudyId))
        {
            try
            {
                if (!Storage.SetTrialStateValues(trialId, TrialState.Fail, null,
                        new Dictionary<string, object?> { [FailReasonKey] = "stale heartbeat: the worker running this trial stopped" })) continue;
            }
            catch (InvalidOperationException) { continue; } // another worker finished it first
            heartbeat.FailedTrialCallback?.Invoke(this, Storage.GetTrial(trialId));
        }
    }
}
