using System.Data.Common;

namespace Overfit.Tuning;

public sealed partial class RdbStorage
{
    private (int Id, int Number) InsertTrial(int studyId, FrozenTrial? template, DateTime? start) => Write((c, tx) =>
    {
        // Locking the study row serializes trial creation per study (PostgreSQL; SQLite's file lock already does), so
        // numbers are unique and trial ids of a study are committed in increasing order.
        CheckStudy(c, tx, studyId, lockRow: true);
        var (id, number) = InsertTrialRow(c, tx, studyId, template?.State ?? TrialState.Running, start, template?.DatetimeComplete);
        if (template is null) return (id, number);
        var batch = new Batch(id);
        foreach (var (name, dist) in template.Distributions)
        {
            CheckParamDistribution(c, tx, studyId, name, dist);
            batch.Param(name, template.InternalParams[name], dist.ToJson());
        }
        if (template.Values is { } values) batch.Values(values);
        foreach (var (step, v) in template.IntermediateValues) batch.Intermediate(step, v);
        foreach (var (k, v) in template.UserAttrs) batch.Attr("trial_user_attributes", k, AttrJson.Serialize(v, k));
        foreach (var (k, v) in template.SystemAttrs) batch.Attr("trial_system_attributes", k, AttrJson.Serialize(v, k));
        if (!batch.IsEmpty) Exec(c, tx, batch.Text, batch.Args);
        return (id, number);
    });

    /// <summary>Inserts the study's next trial row; call holding the study's lock, since the number is the count of its trials.</summary>
    private (int Id, int Number) InsertTrialRow(DbConnection c, DbTransaction tx, int studyId, TrialState state, DateTime? start, DateTime? complete)
    {
        using var cmd = Command(c, tx, InsertTrialSql, ("@s", studyId), ("@st", RdbSchema.StateName(state)), ("@ds", RdbSchema.EncodeDate(start)), ("@dc", RdbSchema.EncodeDate(complete)));
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt32(0), r.GetInt32(1));
    }

    /// <inheritdoc/>
    public int? ClaimNewTrial(int studyId, Func<IReadOnlyList<FrozenTrial>, IReadOnlyDictionary<string, object?>?> claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var start = RdbSchema.RoundToStored(DateTime.Now);
        var created = Write((c, tx) =>
        {
            // Holding the study's row lock (SQLite: the file's write lock) while reading the trials and inserting the new
            // one makes the pick and the trial one step for every worker of the study.
            CheckStudy(c, tx, studyId, lockRow: true);
            if (claim(CachedTrials(c, tx, studyId)) is not { } attrs) return null;
            var json = attrs.Select(kv => (kv.Key, Json: AttrJson.Serialize(kv.Value, kv.Key))).ToArray();
            var (id, number) = InsertTrialRow(c, tx, studyId, TrialState.Running, start, null);
            var batch = new Batch(id);
            foreach (var (key, value) in json) batch.Attr("trial_system_attributes", key, value);
            if (!batch.IsEmpty) Exec(c, tx, batch.Text, batch.Args);
            return new FrozenTrial
            {
                Number = number, TrialId = id, State = TrialState.Running, DatetimeStart = start,
                SystemAttrs = System.Collections.Immutable.ImmutableDictionary.CreateRange(json.Select(a => KeyValuePair.Create(a.Key, AttrJson.Deserialize(a.Json)))),
            };
        });
        if (created is null) return null;
        _owned.Add(created, studyId);
        return created.TrialId;
    }

    /// <inheritdoc/>
    public int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber) => Read((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        return Scalar(c, tx, "SELECT trial_id FROM trials WHERE study_id = @s AND number = @n", ("@s", studyId), ("@n", trialNumber)) is { } id
            ? Convert.ToInt32(id)
            : throw new KeyNotFoundException($"study {studyId} has no trial number {trialNumber}");
    });

    /// <inheritdoc/>
    public int GetTrialNumberFromId(int trialId) => Read((c, tx) => Locate(c, tx, trialId).Number);

    /// <inheritdoc/>
    public double GetTrialParam(int trialId, string paramName) => Read((c, tx) =>
    {
        var (_, number, _) = Locate(c, tx, trialId);
        return Scalar(c, tx, "SELECT param_value FROM trial_params WHERE trial_id = @t AND param_name = @n", ("@t", trialId), ("@n", paramName)) is { } v
            ? Convert.ToDouble(v)
            : throw new KeyNotFoundException($"trial {number} has no parameter '{paramName}'");
    });

    /// <inheritdoc/>
    public FrozenTrial GetTrial(int trialId) => _owned.Get(trialId) ?? LoadTrial(trialId);

    private FrozenTrial LoadTrial(int trialId) => Read((c, tx) =>
    {
        var (studyId, _, _) = Locate(c, tx, trialId);
        return LoadTrials(c, tx, studyId, "t.trial_id = @x", trialId).Single();
    });

    /// <inheritdoc/>
    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null) => ReadCommands((c, tx) =>
    {
        var all = CachedTrials(c, tx, studyId);
        return states is null ? all : all.Where(t => states.Contains(t.State)).ToArray();
    });

    /// <summary>
    /// The study's trials ordered by number: the finished ones this process already read come from memory, so a read
    /// costs one command, plus one more that loads the trials other processes changed.
    /// </summary>
    private FrozenTrial[] CachedTrials(DbConnection c, DbTransaction? tx, int studyId)
    {
        var cache = _trialCache.Get(studyId);
        int from = cache?.Watermark ?? 0;
        bool valid = true;
        var states = new List<(int Id, TrialState State)>();
        // The study exists; the cached trials are still the ones below the watermark (a study deleted and recreated, or
        // trials written out of order by another program, drop them); the ids and states from the watermark on.
        using (var cmd = Command(c, tx, Snapshot(tx) + "SELECT COUNT(*) FROM studies WHERE study_id = @s; " +
            "SELECT COUNT(*), COALESCE(MAX(trial_id), 0) FROM trials WHERE study_id = @s AND trial_id < @w; " +
            "SELECT trial_id, state FROM trials WHERE study_id = @s AND trial_id >= @w", ("@s", studyId), ("@w", from)))
        using (var r = cmd.ExecuteReader())
        {
            NextRows(r, first: true);
            r.Read();
            if (Convert.ToInt64(r.GetValue(0)) == 0) throw MissingStudy(studyId);
            NextRows(r);
            r.Read();
            if (cache is { } e && (Convert.ToInt32(r.GetValue(0)) != e.Finished.Length || Convert.ToInt32(r.GetValue(1)) != e.MaxId)) valid = false;
            NextRows(r);
            while (r.Read()) states.Add((r.GetInt32(0), RdbSchema.ParseState(r.GetString(1))));
        }
        if (!valid) return _trialCache.Store(studyId, [], null, LoadTrials(c, tx, studyId, null, null));
        // When every trial from the watermark on is one this process runs, in the state cached, the cached copies are exact.
        var owned = new List<FrozenTrial>(states.Count);
        foreach (var (id, state) in states)
        {
            if (_owned.Get(id) is not { } t || t.State != state) { owned = null; break; }
            owned.Add(t);
        }
        var fresh = owned?.ToArray() ?? LoadTrials(c, tx, studyId, "t.trial_id >= @x", from);
        return _trialCache.Store(studyId, cache?.Finished ?? [], cache?.Watermark, fresh);
    }

    /// <inheritdoc/>
    public IReadOnlyList<FrozenTrial> GetTrialsFromNumber(int studyId, int fromNumber, IReadOnlyCollection<int>? alsoNumbers = null) => Read((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        // The listed numbers are ints formatted here, not user text, so inlining them keeps one statement per table.
        string also = alsoNumbers is { Count: > 0 }
            ? " OR t.number IN (" + string.Join(",", alsoNumbers.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")"
            : "";
        return LoadTrials(c, tx, studyId, "(t.number >= @x" + also + ")", fromNumber);
    });

    /// <inheritdoc/>
    public int GetNTrials(int studyId, IReadOnlyCollection<TrialState>? states = null) => Read((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        if (states is null) return Convert.ToInt32(Scalar(c, tx, "SELECT COUNT(*) FROM trials WHERE study_id = @s", ("@s", studyId)));
        int n = 0;
        foreach (var s in states.Distinct())
            n += Convert.ToInt32(Scalar(c, tx, "SELECT COUNT(*) FROM trials WHERE study_id = @s AND state = @st", ("@s", studyId), ("@st", RdbSchema.StateName(s))));
        return n;
    });

    private (int StudyId, int Number, TrialState State) Locate(DbConnection c, DbTransaction tx, int trialId, bool lockRow = false)
    {
        using var cmd = Command(c, tx, "SELECT study_id, number, state FROM trials WHERE trial_id = @t" + (lockRow ? _db.ForUpdate : ""), ("@t", trialId));
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw MissingTrial(trialId);
        return (r.GetInt32(0), r.GetInt32(1), RdbSchema.ParseState(r.GetString(2)));
    }

    private (int StudyId, int Number) Updatable(DbConnection c, DbTransaction tx, int trialId)
    {
        var (studyId, number, state) = Locate(c, tx, trialId, lockRow: true);
        if (state.IsFinished())
            throw new InvalidOperationException($"trial {number} is already finished ({state}) and cannot be changed");
        return (studyId, number);
    }

    /// <summary>
    /// Checks the distribution against the first one the study recorded under the name. That first record never changes
    /// while the study exists, so once read it is remembered and the scan over the study's parameters is not repeated.
    /// </summary>
    private void CheckParamDistribution(DbConnection c, DbTransaction tx, int studyId, string name, Distribution distribution)
    {
        if (!_firstDistributions.TryGetValue((studyId, name), out var first))
        {
            if (Scalar(c, tx, "SELECT p.distribution_json FROM trial_params p JOIN trials t ON p.trial_id = t.trial_id " +
                    "WHERE t.study_id = @s AND p.param_name = @n ORDER BY p.param_id LIMIT 1", ("@s", studyId), ("@n", name)) is not string json) return;
            first = _firstDistributions.GetOrAdd((studyId, name), Distribution.FromJson(json));
        }
        Distribution.CheckCompatibility(name, first, distribution);
    }
}
