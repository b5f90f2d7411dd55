using System.Collections.Immutable;
using Microsoft.Data.Sqlite;

namespace Overfit.Tuning;

public sealed partial class RdbStorage
{
    /// <inheritdoc/>
    public int CreateNewTrial(int studyId, FrozenTrial? template = null) => Write((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        var state = template?.State ?? TrialState.Running;
        var start = template is null ? DateTime.Now : template.DatetimeStart;
        // The number is the count of the study's trials, taken inside the write transaction that holds the file lock.
        int id = Convert.ToInt32(Scalar(c, tx,
            "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) " +
            "VALUES ((SELECT COUNT(*) FROM trials WHERE study_id = @s), @s, @st, @ds, @dc) RETURNING trial_id",
            ("@s", studyId), ("@st", RdbSchema.StateName(state)), ("@ds", RdbSchema.EncodeDate(start)),
            ("@dc", RdbSchema.EncodeDate(template?.DatetimeComplete))));
        if (template is null) return id;
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
        return id;
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
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null) => Write((c, tx) =>
    {
        var (_, number, current) = Locate(c, tx, trialId);
        string now = (string)RdbSchema.EncodeDate(DateTime.Now);
        if (state == TrialState.Running)
            // Only a WAITING trial can be claimed; the conditional update is what makes the claim atomic across processes.
            return Exec(c, tx, "UPDATE trials SET state = 'RUNNING', datetime_start = @now WHERE trial_id = @t AND state = 'WAITING'",
                ("@now", now), ("@t", trialId)) == 1;
        if (current.IsFinished())
            throw new InvalidOperationException($"trial {number} is already finished ({current}); its state cannot change to {state}");
        if (values is not null) InsertValues(c, tx, trialId, values);
        Exec(c, tx, "UPDATE trials SET state = @st, datetime_complete = CASE WHEN @fin THEN @now ELSE datetime_complete END WHERE trial_id = @t",
            ("@st", RdbSchema.StateName(state)), ("@fin", state.IsFinished()), ("@now", now), ("@t", trialId));
        return true;
    });

    /// <inheritdoc/>
    public void SetTrialIntermediateValue(int trialId, int step, double value) => Write((c, tx) =>
    {
        Updatable(c, tx, trialId);
        UpsertIntermediate(c, tx, trialId, step, value);
    });

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
    }

    /// <inheritdoc/>
    public FrozenTrial GetTrial(int trialId) => Read((c, tx) =>
    {
        var (studyId, _, _) = Locate(c, tx, trialId);
        return LoadTrials(c, tx, studyId, "t.trial_id = @x", trialId).Single();
    });

    /// <inheritdoc/>
    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null) => Read((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        var all = LoadTrials(c, tx, studyId, null, null);
        return states is null ? all : all.Where(t => states.Contains(t.State)).ToArray();
    });

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

    private static (int StudyId, int Number, TrialState State) Locate(SqliteConnection c, SqliteTransaction tx, int trialId)
    {
        using var cmd = Command(c, tx, "SELECT study_id, number, state FROM trials WHERE trial_id = @t", ("@t", trialId));
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new KeyNotFoundException($"no trial with id {trialId}");
        return (r.GetInt32(0), r.GetInt32(1), RdbSchema.ParseState(r.GetString(2)));
    }

    private static (int StudyId, int Number) Updatable(SqliteConnection c, SqliteTransaction tx, int trialId)
    {
        var (studyId, number, state) = Locate(c, tx, trialId);
        if (state.IsFinished())
            throw new InvalidOperationException($"trial {number} is already finished ({state}) and cannot be changed");
        return (studyId, number);
    }

    private static void CheckParamDistribution(SqliteConnection c, SqliteTransaction tx, int studyId, string name, Distribution distribution)
    {
        if (Scalar(c, tx, "SELECT p.distribution_json FROM trial_params p JOIN trials t ON p.trial_id = t.trial_id " +
                "WHERE t.study_id = @s AND p.param_name = @n ORDER BY p.param_id LIMIT 1", ("@s", studyId), ("@n", name)) is string json)
            Distribution.CheckCompatibility(name, Distribution.FromJson(json), distribution);
    }

    private static void InsertValues(SqliteConnection c, SqliteTransaction tx, int trialId, IReadOnlyList<double> values)
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

    private static void UpsertIntermediate(SqliteConnection c, SqliteTransaction tx, int trialId, int step, double value)
    {
        var (v, type) = RdbSchema.EncodeFloat(value);
        Exec(c, tx, "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (@t, @s, @v, @ty) " +
            "ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = excluded.intermediate_value, intermediate_value_type = excluded.intermediate_value_type",
            ("@t", trialId), ("@s", step), ("@v", v), ("@ty", type));
    }

    private static void UpsertTrialAttr(SqliteConnection c, SqliteTransaction tx, string table, int trialId, string key, string json)
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

    /// <summary>Loads the study's trials (or the one matching <paramref name="filter"/>) with one query per table.</summary>
    private static FrozenTrial[] LoadTrials(SqliteConnection c, SqliteTransaction tx, int studyId, string? filter, int? filterArg)
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
        // A whole study joins each table on the study; a few trials are named by id, so each table is read through its
        // trial_id index instead of being scanned (a refresh of a 10,000-trial study then reads only what it returns).
        string Scope(string alias) => filter is null
            ? $"JOIN trials t ON {alias}.trial_id = t.trial_id WHERE {where}"
            : $"WHERE {alias}.trial_id IN ({string.Join(",", ordered.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))})";
        ForEach(c, tx, $"SELECT p.trial_id, p.param_name, p.param_value, p.distribution_json FROM trial_params p {Scope("p")}", args, r =>
        {
            var row = rows[r.GetInt32(0)];
            row.Params[r.GetString(1)] = r.GetDouble(2);
            row.Distributions[r.GetString(1)] = Distribution.FromJson(r.GetString(3));
        });
        ForEach(c, tx, $"SELECT v.trial_id, v.objective, v.value, v.value_type FROM trial_values v {Scope("v")}", args,
            r => rows[r.GetInt32(0)].Values[r.GetInt32(1)] = RdbSchema.DecodeFloat(r.GetValue(2), r.GetString(3)));
        ForEach(c, tx, $"SELECT v.trial_id, v.step, v.intermediate_value, v.intermediate_value_type FROM trial_intermediate_values v {Scope("v")}", args,
            r => rows[r.GetInt32(0)].Intermediate[r.GetInt32(1)] = RdbSchema.DecodeFloat(r.GetValue(2), r.GetString(3)));
        ForEach(c, tx, $"SELECT a.trial_id, a.\"key\", a.value_json FROM trial_user_attributes a {Scope("a")}", args,
            r => rows[r.GetInt32(0)].UserAttrs[r.GetString(1)] = AttrJson.Deserialize(r.GetString(2)));
        ForEach(c, tx, $"SELECT a.trial_id, a.\"key\", a.value_json FROM trial_system_attributes a {Scope("a")}", args,
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

    private static void ForEach(SqliteConnection c, SqliteTransaction tx, string sql, List<(string, object?)> args, Action<SqliteDataReader> onRow)
    {
        using var cmd = (SqliteCommand)Command(c, tx, sql, args.ToArray());
        using var r = cmd.ExecuteReader();
        while (r.Read()) onRow(r);
    }
}
