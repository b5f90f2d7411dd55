using System.Collections.Immutable;
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
        var state = template?.State ?? TrialState.Running;
        // The number is the count of the study's trials, taken while holding the study's lock.
        int id, number;
        using (var cmd = Command(c, tx,
            "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) " +
            "VALUES ((SELECT COUNT(*) FROM trials WHERE study_id = @s), @s, @st, @ds, @dc) RETURNING trial_id, number",
            ("@s", studyId), ("@st", RdbSchema.StateName(state)), ("@ds", RdbSchema.EncodeDate(start)),
            ("@dc", RdbSchema.EncodeDate(template?.DatetimeComplete))))
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            (id, number) = (r.GetInt32(0), r.GetInt32(1));
        }
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
        var all = _trialCache.Load(studyId, (watermark, count, maxId) =>
        {
            if (watermark == 0) return true;
            using var cmd = Command(c, tx, "SELECT COUNT(*), COALESCE(MAX(trial_id), 0) FROM trials WHERE study_id = @s AND trial_id < @w", ("@s", studyId), ("@w", watermark));
            using var r = cmd.ExecuteReader();
            r.Read();
            return Convert.ToInt32(r.GetValue(0)) == count && Convert.ToInt32(r.GetValue(1)) == maxId;
        }, from => LoadFrom(c, tx, studyId, from));
        return states is null ? all : all.Where(t => states.Contains(t.State)).ToArray();
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

    private sealed class TrialRow(int id, int number, TrialState state, DateTime? start, DateTime? complete)
    {
        public readonly int Id = id, Number = number;
        public readonly TrialState State = state;
        public readonly DateTime? Start = start, Complete = complete;
        public readonly ImmutableDictionary<string, double>.Builder Params = ImmutableDictionary.CreateBuilder<string, double>();
        public readonly ImmutableDictionary<string, Distribution>.Builder Distributions = ImmutableDictionary.CreateBuilder<string, Distribution>();
        public readonly ImmutableDictionary<string, object?>.Builder UserAttrs = ImmutableDictionary.CreateBuilder<string, object?>();
        public readonly ImmutableDictionary<string, object?>.Builder SystemAttrs = ImmutableDictionary.CreateBuilder<string, object?>();
        public readonly ImmutableSortedDictionary<int, double>.Builder Intermediate = ImmutableSortedDictionary.CreateBuilder<int, double>();
        public readonly SortedDictionary<int, double> Values = [];
    }

    /// <summary>
    /// The study's trials from id <paramref name="from"/> on. When each of them is one this process runs and its state
    /// is still the one cached, the cached copies are exact and only the states are read.
    /// </summary>
    private FrozenTrial[] LoadFrom(DbConnection c, DbTransaction tx, int studyId, int from)
    {
        var owned = new List<FrozenTrial>();
        bool allOwned = true;
        using (var cmd = Command(c, tx, "SELECT trial_id, state FROM trials WHERE study_id = @s AND trial_id >= @x", ("@s", studyId), ("@x", from)))
        using (var r = cmd.ExecuteReader())
            while (allOwned && r.Read())
            {
                if (_owned.Get(r.GetInt32(0)) is { } t && t.State == RdbSchema.ParseState(r.GetString(1))) owned.Add(t);
                else allOwned = false;
            }
        return allOwned ? owned.OrderBy(t => t.Number).ToArray() : LoadTrials(c, tx, studyId, "t.trial_id >= @x", from);
    }

    /// <summary>Loads the study's trials (or the one matching <paramref name="filter"/>) with one query per table.</summary>
    private FrozenTrial[] LoadTrials(DbConnection c, DbTransaction tx, int studyId, string? filter, int? filterArg)
    {
        string where = "t.study_id = @s" + (filter is null ? "" : " AND " + filter);
        var args = new List<(string, object?)> { ("@s", studyId) };
        if (filterArg is { } x) args.Add(("@x", x));
        var rows = new Dictionary<int, TrialRow>();
        var ordered = new List<TrialRow>();
        ForEach(c, tx, $"SELECT t.trial_id, t.number, t.state, t.datetime_start, t.datetime_complete FROM trials t WHERE {where} ORDER BY t.number", args, r =>
        {
            var row = new TrialRow(r.GetInt32(0), r.GetInt32(1), RdbSchema.ParseState(r.GetString(2)), RdbSchema.DecodeDate(r.GetValue(3)), RdbSchema.DecodeDate(r.GetValue(4)));
            rows[row.Id] = row;
            ordered.Add(row);
        });
        if (ordered.Count == 0) return [];
        ForEach(c, tx, $"SELECT p.trial_id, p.param_name, p.param_value, p.distribution_json FROM trial_params p JOIN trials t ON p.trial_id = t.trial_id WHERE {where}", args, r =>
        {
            var row = rows[r.GetInt32(0)];
            row.Params[r.GetString(1)] = r.GetDouble(2);
            row.Distributions[r.GetString(1)] = Distribution.FromJson(r.GetString(3));
        });
        ForEach(c, tx, $"SELECT v.trial_id, v.objective, v.value, v.value_type FROM trial_values v JOIN trials t ON v.trial_id = t.trial_id WHERE {where}", args,
            r => rows[r.GetInt32(0)].Values[r.GetInt32(1)] = RdbSchema.DecodeFloat(r.GetValue(2), r.GetString(3)));
        ForEach(c, tx, $"SELECT v.trial_id, v.step, v.intermediate_value, v.intermediate_value_type FROM trial_intermediate_values v JOIN trials t ON v.trial_id = t.trial_id WHERE {where}", args,
            r => rows[r.GetInt32(0)].Intermediate[r.GetInt32(1)] = RdbSchema.DecodeFloat(r.GetValue(2), r.GetString(3)));
        ForEach(c, tx, $"SELECT a.trial_id, a.\"key\", a.value_json FROM trial_user_attributes a JOIN trials t ON a.trial_id = t.trial_id WHERE {where}", args,
            r => rows[r.GetInt32(0)].UserAttrs[r.GetString(1)] = AttrJson.Deserialize(r.GetString(2)));
        ForEach(c, tx, $"SELECT a.trial_id, a.\"key\", a.value_json FROM trial_system_attributes a JOIN trials t ON a.trial_id = t.trial_id WHERE {where}", args,
            r => rows[r.GetInt32(0)].SystemAttrs[r.GetString(1)] = AttrJson.Deserialize(r.GetString(2)));
        return ordered.Select(row => new FrozenTrial
        {
            Number = row.Number,
            TrialId = row.Id,
            State = row.State,
            Values = row.Values.Count == 0 ? null : row.Values.Values.ToArray(),
            DatetimeStart = row.Start,
            DatetimeComplete = row.Complete,
            InternalParams = row.Params.ToImmutable(),
            Distributions = row.Distributions.ToImmutable(),
            UserAttrs = row.UserAttrs.ToImmutable(),
            SystemAttrs = row.SystemAttrs.ToImmutable(),
            IntermediateValues = row.Intermediate.ToImmutable(),
        }).ToArray();
    }

    private void ForEach(DbConnection c, DbTransaction tx, string sql, List<(string, object?)> args, Action<DbDataReader> onRow)
    {
        using var cmd = Command(c, tx, sql, args.ToArray());
        using var r = cmd.ExecuteReader();
        while (r.Read()) onRow(r);
    }
}
