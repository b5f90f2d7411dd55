using System.Data.Common;

namespace Overfit.Tuning;

public sealed partial class RdbStorage
{
    /// <inheritdoc/>
    public int CreateNewTrial(int studyId, FrozenTrial? template = null)
    {
        var start = template is null ? RdbSchema.RoundToStored(DateTime.Now) : template.DatetimeStart;
        var (id, number) = InsertTrial(studyId, template, start);
        // A trial this process starts is changed only through this storage until it finishes, so it is served from memory.
        if (template is null) _owned.Add(new FrozenTrial { Number = number, TrialId = id, State = TrialState.Running, DatetimeStart = start });
        return id;
    }

    private (int Id, int Number) InsertTrial(int studyId, FrozenTrial? template, DateTime? start) => Write((c, tx) =>
    {
        // Locking the study row serializes trial creation per study (PostgreSQL; SQLite's file lock already does), so
        // numbers are unique and trial ids of a study are committed in increasing order.
        CheckStudy(c, tx, studyId, lockRow: true);
        var (id, number) = InsertTrialRow(c, tx, studyId, template?.State ?? TrialState.Running, start, template?.DatetimeComplete);
        if (template is null) return (id, number);
        foreach (var (name, dist) in template.Distributions)
        {
            CheckParamDistribution(c, tx, studyId, name, dist);
            Exec(c, tx, "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (@t, @n, @v, @d)",
                ("@t", id), ("@n", name), ("@v", template.InternalParams[name]), ("@d", dist.ToJson()));
        }
        if (template.Values is { } values) InsertValues(c, tx, id, values);
        foreach (var (step, v) in template.IntermediateValues) UpsertIntermediate(c, tx, id, step, v);
        foreach (var (k, v) in template.UserAttrs) UpsertTrialAttr(c, tx, "trial_user_attributes", id, k, AttrJson.Serialize(v, k));
        foreach (var (k, v) in template.SystemAttrs) UpsertTrialAttr(c, tx, "trial_system_attributes", id, k, AttrJson.Serialize(v, k));
        return (id, number);
    });

    /// <summary>Inserts the study's next trial row; call holding the study's lock, since the number is the count of its trials.</summary>
    private (int Id, int Number) InsertTrialRow(DbConnection c, DbTransaction tx, int studyId, TrialState state, DateTime? start, DateTime? complete)
    {
        using var cmd = Command(c, tx,
            "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) " +
            "VALUES ((SELECT COUNT(*) FROM trials WHERE study_id = @s), @s, @st, @ds, @dc) RETURNING trial_id, number",
            ("@s", studyId), ("@st", RdbSchema.StateName(state)), ("@ds", RdbSchema.EncodeDate(start)), ("@dc", RdbSchema.EncodeDate(complete)));
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
            foreach (var (key, value) in json) UpsertTrialAttr(c, tx, "trial_system_attributes", id, key, value);
            return new FrozenTrial
            {
                Number = number, TrialId = id, State = TrialState.Running, DatetimeStart = start,
                SystemAttrs = System.Collections.Immutable.ImmutableDictionary.CreateRange(json.Select(a => KeyValuePair.Create(a.Key, AttrJson.Deserialize(a.Json)))),
            };
        });
        if (created is null) return null;
        _owned.Add(created);
        return created.TrialId;
    }

    /// <inheritdoc/>
    public void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        string json = distribution.ToJson();
        Write((c, tx) =>
        {
            var (studyId, _) = Updatable(c, tx, trialId);
            CheckParamDistribution(c, tx, studyId, paramName, distribution);
            Exec(c, tx, "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (@t, @n, @v, @d) " +
                "ON CONFLICT (trial_id, param_name) DO UPDATE SET param_value = excluded.param_value, distribution_json = excluded.distribution_json",
                ("@t", trialId), ("@n", paramName), ("@v", internalValue), ("@d", json));
        });
        var stored = Distribution.FromJson(json); // as a read would return it
        _owned.Update(trialId, t => t with
        {
            InternalParams = t.InternalParams.SetItem(paramName, internalValue),
            Distributions = t.Distributions.SetItem(paramName, stored),
        });
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
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null)
        => SetTrialStateValues(trialId, state, values, null);

    /// <summary>Moves a trial to a state and records system attributes (a fail reason) in the same transaction.</summary>
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values, IReadOnlyDictionary<string, object?>? systemAttrs)
    {
        var attrs = systemAttrs?.Select(kv => (kv.Key, Json: AttrJson.Serialize(kv.Value, kv.Key))).ToArray() ?? [];
        var stamp = RdbSchema.RoundToStored(DateTime.Now);
        bool changed = Write((c, tx) =>
        {
            var (_, number, current) = Locate(c, tx, trialId, lockRow: true);
            object now = RdbSchema.EncodeDate(stamp);
            if (state == TrialState.Running)
            {
                // Only a WAITING trial can be claimed; the conditional update is what makes the claim atomic across processes.
                if (Exec(c, tx, "UPDATE trials SET state = 'RUNNING', datetime_start = @now WHERE trial_id = @t AND state = 'WAITING'",
                        ("@now", now), ("@t", trialId)) != 1) return false;
            }
            else
            {
                if (current.IsFinished())
                    throw new InvalidOperationException($"trial {number} is already finished ({current}); its state cannot change to {state}");
                if (values is not null) InsertValues(c, tx, trialId, values);
                Exec(c, tx, "UPDATE trials SET state = @st, datetime_complete = CASE WHEN @fin THEN @now ELSE datetime_complete END WHERE trial_id = @t",
                    ("@st", RdbSchema.StateName(state)), ("@fin", state.IsFinished()), ("@now", now), ("@t", trialId));
            }
            foreach (var (key, json) in attrs) UpsertTrialAttr(c, tx, "trial_system_attributes", trialId, key, json);
            return true;
        });
        if (changed && state != TrialState.Running)
            _owned.Update(trialId, t => t with
            {
                State = state,
                Values = values?.ToArray() ?? t.Values,
                DatetimeComplete = state.IsFinished() ? stamp : t.DatetimeComplete,
                SystemAttrs = t.SystemAttrs.SetItems(attrs.Select(a => KeyValuePair.Create(a.Key, AttrJson.Deserialize(a.Json)))),
            });
        return changed;
    }

    /// <summary>
    /// Claims the study's oldest WAITING trial in one transaction; on PostgreSQL <c>FOR UPDATE SKIP LOCKED</c> lets
    /// concurrent workers each take a different one instead of queueing on the same row.
    /// </summary>
    public int? PopWaitingTrial(int studyId)
    {
        int? id = ClaimWaiting(studyId);
        if (id is { } claimed) _owned.Add(LoadTrial(claimed));
        return id;
    }

    private int? ClaimWaiting(int studyId) => Write((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        if (Scalar(c, tx, "SELECT trial_id FROM trials WHERE study_id = @s AND state = 'WAITING' ORDER BY number LIMIT 1" + _db.ForUpdateSkipLocked,
                ("@s", studyId)) is not { } found) return (int?)null;
        int id = Convert.ToInt32(found);
        Exec(c, tx, "UPDATE trials SET state = 'RUNNING', datetime_start = @now WHERE trial_id = @t",
            ("@now", RdbSchema.EncodeDate(DateTime.Now)), ("@t", id));
        return id;
    });

    /// <inheritdoc/>
    public void SetTrialIntermediateValue(int trialId, int step, double value)
    {
        Write((c, tx) =>
        {
            Updatable(c, tx, trialId);
            UpsertIntermediate(c, tx, trialId, step, value);
        });
        _owned.Update(trialId, t => t with { IntermediateValues = t.IntermediateValues.SetItem(step, value) });
    }

    /// <inheritdoc/>
    public void SetTrialUserAttr(int trialId, string key, object? value) => SetTrialAttr("trial_user_attributes", trialId, key, value);
    /// <inheritdoc/>
    public void SetTrialSystemAttr(int trialId, string key, object? value) => SetTrialAttr("trial_system_attributes", trialId, key, value);

    private void SetTrialAttr(string table, int trialId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        string json = AttrJson.Serialize(value, key);
        Write((c, tx) =>
        {
            Updatable(c, tx, trialId);
            UpsertTrialAttr(c, tx, table, trialId, key, json);
        });
        var stored = AttrJson.Deserialize(json);
        _owned.Update(trialId, t => table == "trial_user_attributes"
            ? t with { UserAttrs = t.UserAttrs.SetItem(key, stored) }
            : t with { SystemAttrs = t.SystemAttrs.SetItem(key, stored) });
    }

    /// <inheritdoc/>
    public FrozenTrial GetTrial(int trialId) => _owned.Get(trialId) ?? LoadTrial(trialId);

    private FrozenTrial LoadTrial(int trialId) => Read((c, tx) =>
    {
        var (studyId, _, _) = Locate(c, tx, trialId);
        return LoadTrials(c, tx, studyId, "t.trial_id = @x", trialId).Single();
    });

    /// <inheritdoc/>
    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null) => Read((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        var all = CachedTrials(c, tx, studyId);
        return states is null ? all : all.Where(t => states.Contains(t.State)).ToArray();
    });

    /// <summary>The study's trials ordered by number: the finished ones this process already read come from memory.</summary>
    private FrozenTrial[] CachedTrials(DbConnection c, DbTransaction tx, int studyId) => _trialCache.Load(studyId, (watermark, count, maxId) =>
    {
        if (watermark == 0) return true;
        using var cmd = Command(c, tx, "SELECT COUNT(*), COALESCE(MAX(trial_id), 0) FROM trials WHERE study_id = @s AND trial_id < @w", ("@s", studyId), ("@w", watermark));
        using var r = cmd.ExecuteReader();
        r.Read();
        return Convert.ToInt32(r.GetValue(0)) == count && Convert.ToInt32(r.GetValue(1)) == maxId;
    }, from => LoadFrom(c, tx, studyId, from));

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
        if (!r.Read()) throw new KeyNotFoundException($"no trial with id {trialId}");
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

    private void InsertValues(DbConnection c, DbTransaction tx, int trialId, IReadOnlyList<double> values)
    {
        Exec(c, tx, "DELETE FROM trial_values WHERE trial_id = @t", ("@t", trialId));
        for (int k = 0; k < values.Count; k++)
        {
            if (double.IsNaN(values[k])) throw new ArgumentException($"objective {k}: NaN cannot be stored as a trial value", nameof(values));
            var (v, type) = RdbSchema.EncodeFloat(values[k]);
            Exec(c, tx, "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (@t, @k, @v, @ty)",
                ("@t", trialId), ("@k", k), ("@v", v), ("@ty", type));
        }
    }

    private void UpsertIntermediate(DbConnection c, DbTransaction tx, int trialId, int step, double value)
    {
        var (v, type) = RdbSchema.EncodeFloat(value);
        Exec(c, tx, "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (@t, @s, @v, @ty) " +
            "ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = excluded.intermediate_value, intermediate_value_type = excluded.intermediate_value_type",
            ("@t", trialId), ("@s", step), ("@v", v), ("@ty", type));
    }

    private void UpsertTrialAttr(DbConnection c, DbTransaction tx, string table, int trialId, string key, string json)
        => Exec(c, tx, $"INSERT INTO {table} (trial_id, \"key\", value_json) VALUES (@t, @k, @v) ON CONFLICT (trial_id, \"key\") DO UPDATE SET value_json = excluded.value_json",
            ("@t", trialId), ("@k", key), ("@v", json));
}
