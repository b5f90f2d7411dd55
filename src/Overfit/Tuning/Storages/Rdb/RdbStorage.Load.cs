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
    /// Loads the study's trials (or those matching <paramref name="filter"/>) with one query per table, all sent as one
    /// command that sees one snapshot. Child tables are joined on the filtered trials, so each is read through its
    /// trial_id index (a refresh of a 10,000-trial study reads only what it returns).
    /// </summary>
    private FrozenTrial[] LoadTrials(DbConnection c, DbTransaction? tx, int studyId, string? filter, int? filterArg)
    {
        string where = "t.study_id = @s" + (filter is null ? "" : " AND " + filter);
        var args = new List<(string, object?)> { ("@s", studyId) };
        if (filterArg is { } x) args.Add(("@x", x));
        string scope = $"JOIN trials t ON c.trial_id = t.trial_id WHERE {where}";
        string sql = Snapshot(tx) +
            $"SELECT t.trial_id, t.number, t.state, t.datetime_start, t.datetime_complete FROM trials t WHERE {where} ORDER BY t.number; " +
            $"SELECT c.trial_id, c.param_name, c.param_value, c.distribution_json FROM trial_params c {scope}; " +
            $"SELECT c.trial_id, c.objective, c.value, c.value_type FROM trial_values c {scope}; " +
            $"SELECT c.trial_id, c.step, c.intermediate_value, c.intermediate_value_type FROM trial_intermediate_values c {scope}; " +
            $"SELECT c.trial_id, c.\"key\", c.value_json FROM trial_user_attributes c {scope}; " +
            $"SELECT c.trial_id, c.\"key\", c.value_json FROM trial_system_attributes c {scope}";
        var rows = new Dictionary<int, TrialRow>();
        var ordered = new List<TrialRow>();
        using (var cmd = Command(c, tx, sql, args.ToArray()))
        using (var r = cmd.ExecuteReader())
        {
            NextRows(r, first: true);
            while (r.Read())
            {
                var row = new TrialRow(r.GetInt32(0), r.GetInt32(1), RdbSchema.ParseState(r.GetString(2)), RdbSchema.DecodeDate(r.GetValue(3)), RdbSchema.DecodeDate(r.GetValue(4)));
                rows[row.Id] = row;
                ordered.Add(row);
            }
            NextRows(r);
            while (r.Read())
            {
                var row = rows[r.GetInt32(0)];
                row.Params[r.GetString(1)] = r.GetDouble(2);
                row.Distributions[r.GetString(1)] = Distribution.FromJson(r.GetString(3));
            }
            NextRows(r);
            while (r.Read()) rows[r.GetInt32(0)].Values[r.GetInt32(1)] = RdbSchema.DecodeFloat(r.GetValue(2), r.GetString(3));
            NextRows(r);
            while (r.Read()) rows[r.GetInt32(0)].Intermediate[r.GetInt32(1)] = RdbSchema.DecodeFloat(r.GetValue(2), r.GetString(3));
            NextRows(r);
            while (r.Read()) rows[r.GetInt32(0)].UserAttrs[r.GetString(1)] = AttrJson.Deserialize(r.GetString(2));
            NextRows(r);
            while (r.Read()) rows[r.GetInt32(0)].SystemAttrs[r.GetString(1)] = AttrJson.Deserialize(r.GetString(2));
        }
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
}
