using System.Collections.Immutable;

namespace Overfit.Tuning;

/// <summary>
/// Studies and trials held in process memory behind one lock (Optuna's InMemoryStorage). Trials are immutable records
/// replaced on every change, so readers get consistent snapshots without copying.
/// </summary>
public sealed class InMemoryStorage : IStorage
{
    private sealed class StudyEntry(int id, string name, IReadOnlyList<StudyDirection> directions)
    {
        public readonly int Id = id;
        public readonly string Name = name;
        public readonly IReadOnlyList<StudyDirection> Directions = directions;
        public readonly List<FrozenTrial> Trials = [];
        public readonly Dictionary<string, Distribution> ParamDistributions = [];
        public ImmutableDictionary<string, object?> UserAttrs = ImmutableDictionary<string, object?>.Empty;
        public ImmutableDictionary<string, object?> SystemAttrs = ImmutableDictionary<string, object?>.Empty;
        /// <summary>Trials per state, so a query for an absent state (e.g. WAITING before each ask) skips the scan.</summary>
        public readonly int[] StateCounts = new int[5];
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<int, StudyEntry> _studies = [];
    private readonly Dictionary<string, int> _studyIdByName = [];
    private readonly Dictionary<int, (int StudyId, int Number)> _trialLocation = [];
    private int _nextStudyId;
    private int _nextTrialId;

    /// <inheritdoc/>
    public int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null)
    {
        ArgumentNullException.ThrowIfNull(directions);
        StudyNaming.CheckDirections(directions);
        lock (_lock)
        {
            string name = studyName ?? StudyNaming.FreshName();
            if (_studyIdByName.ContainsKey(name)) throw new DuplicatedStudyException(name);
            int id = _nextStudyId++;
            _studies[id] = new StudyEntry(id, name, directions.ToArray());
            _studyIdByName[name] = id;
            return id;
        }
    }

    /// <inheritdoc/>
    public void DeleteStudy(int studyId)
    {
        lock (_lock)
        {
            var s = Study(studyId);
            foreach (var t in s.Trials) _trialLocation.Remove(t.TrialId);
            _studies.Remove(studyId);
            _studyIdByName.Remove(s.Name);
        }
    }

    /// <inheritdoc/>
    public void SetStudyUserAttr(int studyId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var v = AttrJson.Normalize(value, key);
        lock (_lock) { var s = Study(studyId); s.UserAttrs = s.UserAttrs.SetItem(key, v); }
    }

    /// <inheritdoc/>
    public void SetStudySystemAttr(int studyId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var v = AttrJson.Normalize(value, key);
        lock (_lock) { var s = Study(studyId); s.SystemAttrs = s.SystemAttrs.SetItem(key, v); }
    }

    /// <inheritdoc/>
    public int GetStudyIdFromName(string studyName)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        lock (_lock)
            return _studyIdByName.TryGetValue(studyName, out int id) ? id : throw new KeyNotFoundException($"no study named '{studyName}'");
    }

    /// <inheritdoc/>
    public string GetStudyNameFromId(int studyId) { lock (_lock) return Study(studyId).Name; }
    /// <inheritdoc/>
    public IReadOnlyList<StudyDirection> GetStudyDirections(int studyId) { lock (_lock) return Study(studyId).Directions; }
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId) { lock (_lock) return Study(studyId).UserAttrs; }
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId) { lock (_lock) return Study(studyId).SystemAttrs; }

    /// <inheritdoc/>
    public IReadOnlyList<StudySummary> GetAllStudies()
    {
        lock (_lock) return _studies.Values.OrderBy(s => s.Id).Select(s => new StudySummary(s.Id, s.Name, s.Directions)).ToArray();
    }

    /// <inheritdoc/>
    public int? ClaimNewTrial(int studyId, Func<IReadOnlyList<FrozenTrial>, IReadOnlyDictionary<string, object?>?> claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_lock)
        {
            var s = Study(studyId);
            if (claim(s.Trials.ToArray()) is not { } attrs) return null;
            return Append(s, new FrozenTrial
            {
                Number = -1, TrialId = -1, State = TrialState.Running, DatetimeStart = DateTime.Now,
                SystemAttrs = NormalizeAll(ImmutableDictionary.CreateRange(attrs)),
            });
        }
    }

    /// <inheritdoc/>
    public int CreateNewTrial(int studyId, FrozenTrial? template = null)
    {
        lock (_lock)
        {
            var s = Study(studyId);
            if (template is null)
                return Append(s, new FrozenTrial { Number = -1, TrialId = -1, State = TrialState.Running, DatetimeStart = DateTime.Now });
            foreach (var (name, dist) in template.Distributions) CheckParamDistribution(s, name, dist);
            int id = Append(s, template with { UserAttrs = NormalizeAll(template.UserAttrs), SystemAttrs = NormalizeAll(template.SystemAttrs) });
            foreach (var (name, dist) in template.Distributions) s.ParamDistributions.TryAdd(name, dist);
            return id;
        }
    }

    /// <summary>Adds <paramref name="trial"/> as the study's next trial with a fresh id; call under the lock.</summary>
    private int Append(StudyEntry s, FrozenTrial trial)
    {
        int id = _nextTrialId++;
        s.Trials.Add(trial with { Number = s.Trials.Count, TrialId = id });
        s.StateCounts[(int)trial.State]++;
        _trialLocation[id] = (s.Id, s.Trials.Count - 1);
        return id;
    }

    /// <inheritdoc/>
    public void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        lock (_lock)
        {
            var (s, t) = Updatable(trialId);
            CheckParamDistribution(s, paramName, distribution);
            s.ParamDistributions.TryAdd(paramName, distribution);
            Replace(s, t with
            {
                InternalParams = t.InternalParams.SetItem(paramName, internalValue),
                Distributions = t.Distributions.SetItem(paramName, distribution),
            });
        }
    }

    /// <inheritdoc/>
    public int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber)
    {
        lock (_lock)
        {
            var s = Study(studyId);
            if (trialNumber < 0 || trialNumber >= s.Trials.Count)
                throw new KeyNotFoundException($"study {studyId} has no trial number {trialNumber} (it has {s.Trials.Count} trials)");
            return s.Trials[trialNumber].TrialId;
        }
    }

    /// <inheritdoc/>
    public int GetTrialNumberFromId(int trialId) { lock (_lock) return Locate(trialId).Number; }

    /// <inheritdoc/>
    public double GetTrialParam(int trialId, string paramName)
    {
        lock (_lock)
        {
            var t = Get(trialId);
            return t.InternalParams.TryGetValue(paramName, out double v) ? v : throw new KeyNotFoundException($"trial {t.Number} has no parameter '{paramName}'");
        }
    }

    /// <inheritdoc/>
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null)
        => SetTrialStateValues(trialId, state, values, null);

    /// <summary>Moves a trial to a state and sets system attributes under one lock.</summary>
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values, IReadOnlyDictionary<string, object?>? systemAttrs)
    {
        var attrs = systemAttrs?.ToDictionary(kv => kv.Key, kv => AttrJson.Normalize(kv.Value, kv.Key));
        lock (_lock)
        {
            var s = Study(Locate(trialId).StudyId);
            var t = s.Trials[Locate(trialId).Number];
            if (state == TrialState.Running && t.State != TrialState.Waiting) return false;
            if (t.State.IsFinished())
                throw new InvalidOperationException($"trial {t.Number} is already finished ({t.State}); its state cannot change to {state}");
            var now = DateTime.Now;
            Replace(s, t with
            {
                State = state,
                Values = values?.ToArray() ?? t.Values,
                DatetimeStart = state == TrialState.Running ? now : t.DatetimeStart,
                DatetimeComplete = state.IsFinished() ? now : t.DatetimeComplete,
                SystemAttrs = attrs is null ? t.SystemAttrs : t.SystemAttrs.SetItems(attrs),
            });
            return true;
        }
    }

    /// <inheritdoc/>
    public void SetTrialIntermediateValue(int trialId, int step, double value)
    {
        lock (_lock)
        {
            var (s, t) = Updatable(trialId);
            Replace(s, t with { IntermediateValues = t.IntermediateValues.SetItem(step, value) });
        }
    }

    /// <inheritdoc/>
    public void SetTrialUserAttr(int trialId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var v = AttrJson.Normalize(value, key);
        lock (_lock) { var (s, t) = Updatable(trialId); Replace(s, t with { UserAttrs = t.UserAttrs.SetItem(key, v) }); }
    }

    /// <inheritdoc/>
    public void SetTrialSystemAttr(int trialId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var v = AttrJson.Normalize(value, key);
        lock (_lock) { var (s, t) = Updatable(trialId); Replace(s, t with { SystemAttrs = t.SystemAttrs.SetItem(key, v) }); }
    }

    /// <inheritdoc/>
    public FrozenTrial GetTrial(int trialId) { lock (_lock) return Get(trialId); }

    /// <inheritdoc/>
    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        lock (_lock)
        {
            var s = Study(studyId);
            if (states is null) return s.Trials.ToArray();
            int expected = 0;
            foreach (var state in states.Distinct()) expected += s.StateCounts[(int)state];
            if (expected == 0) return [];
            var result = new FrozenTrial[expected];
            int k = 0;
            foreach (var t in s.Trials)
                if (states.Contains(t.State)) result[k++] = t;
            return result;
        }
    }

    /// <inheritdoc/>
    public int GetNTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        lock (_lock)
        {
            var s = Study(studyId);
            if (states is null) return s.Trials.Count;
            int n = 0;
            foreach (var state in states.Distinct()) n += s.StateCounts[(int)state];
            return n;
        }
    }

    private StudyEntry Study(int studyId)
        => _studies.TryGetValue(studyId, out var s) ? s : throw new KeyNotFoundException($"no study with id {studyId}");

    private (int StudyId, int Number) Locate(int trialId)
        => _trialLocation.TryGetValue(trialId, out var loc) ? loc : throw new KeyNotFoundException($"no trial with id {trialId}");

    private FrozenTrial Get(int trialId)
    {
        var (studyId, number) = Locate(trialId);
        return _studies[studyId].Trials[number];
    }

    private (StudyEntry, FrozenTrial) Updatable(int trialId)
    {
        var (studyId, number) = Locate(trialId);
        var s = _studies[studyId];
        var t = s.Trials[number];
        if (t.State.IsFinished())
            throw new InvalidOperationException($"trial {t.Number} is already finished ({t.State}) and cannot be changed");
        return (s, t);
    }

    private static void Replace(StudyEntry s, FrozenTrial t)
    {
        s.StateCounts[(int)s.Trials[t.Number].State]--;
        s.StateCounts[(int)t.State]++;
        s.Trials[t.Number] = t;
    }

    private static void CheckParamDistribution(StudyEntry s, string name, Distribution distribution)
    {
        if (s.ParamDistributions.TryGetValue(name, out var existing)) Distribution.CheckCompatibility(name, existing, distribution);
    }

    private static ImmutableDictionary<string, object?> NormalizeAll(ImmutableDictionary<string, object?> attrs)
        => attrs.IsEmpty ? attrs : attrs.ToImmutableDictionary(p => p.Key, p => AttrJson.Normalize(p.Value, p.Key));
}

/// <summary>Rules shared by every storage for study names and directions.</summary>
internal static class StudyNaming
{
    /// <summary>Optuna's default study name: "no-name-" followed by a fresh UUID.</summary>
    public static string FreshName() => "no-name-" + Guid.NewGuid().ToString();

    public static void CheckDirections(IReadOnlyList<StudyDirection> directions)
    {
        if (directions.Count == 0) throw new ArgumentException("expected at least one direction, got none", nameof(directions));
        foreach (var d in directions)
            if (d is not (StudyDirection.Minimize or StudyDirection.Maximize))
                throw new ArgumentException($"directions must be Minimize or Maximize, got {d}", nameof(directions));
    }
}
