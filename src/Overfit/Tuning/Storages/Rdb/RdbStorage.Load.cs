using System.Collections.Immutable;
using System.Data.Common;

namespace Overfit.Tuning;

public sealed partial class RdbStorage
{
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

    private void ForEach(DbConnection c, DbTransaction tx, string sql, List<(string, object?)> args, Action<DbDataReader> onRow)
    {
        using var cmd = Command(c, tx, sql, args.ToArray());
        using var r = cmd.ExecuteReader();
        while (r.Read()) onRow(r);
    }
}
