using System.Data.Common;

namespace Overfit.Tuning;

// The writes of a running trial — ask, each suggest, report, tell — are the per-trial cost of a study. Each is one
// command: on PostgreSQL one round trip (an implicit transaction) or two (a transaction that checks the trial before
// it commits). Everything before the tell commits without waiting for the disk (RdbProvider.DeferFlush): a server
// crash can only lose the running trial, which it would lose anyway, and the tell's ordinary commit flushes the
// trial's earlier records with it.
public sealed partial class RdbStorage
{
    // The number is the count of the study's trials: run it only while holding the study's lock.
    private const string InsertTrialSql = "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) " +
        "VALUES ((SELECT COUNT(*) FROM trials WHERE study_id = @s), @s, @st, @ds, @dc) RETURNING trial_id, number";

    /// <inheritdoc/>
    public int CreateNewTrial(int studyId, FrozenTrial? template = null)
    {
        if (template is not null) return InsertTrial(studyId, template, template.DatetimeStart).Id;
        var start = RdbSchema.RoundToStored(DateTime.Now);
        var (id, number) = Missing(() => WriteCommand((c, tx) =>
        {
            // Locking the study row serializes trial creation per study (SQLite's file lock already does), so numbers
            // are unique and a study's trial ids are committed in increasing order.
            using var cmd = Command(c, tx, _db.DeferFlush + "SELECT 1 FROM studies WHERE study_id = @s" + _db.ForUpdate + "; " + InsertTrialSql,
                ("@s", studyId), ("@st", RdbSchema.StateName(TrialState.Running)), ("@ds", RdbSchema.EncodeDate(start)), ("@dc", null));
            using var r = cmd.ExecuteReader();
            NextRows(r, first: true);
            if (!r.Read()) throw MissingStudy(studyId);
            NextRows(r);
            r.Read();
            return (r.GetInt32(0), r.GetInt32(1));
        }), () => MissingStudy(studyId));
        // A trial this process starts is changed only through this storage until it finishes, so it is served from memory.
        _owned.Add(new FrozenTrial { Number = number, TrialId = id, State = TrialState.Running, DatetimeStart = start }, studyId);
        return id;
    }

    /// <summary>
    /// Claims the study's oldest WAITING trial in one statement; on PostgreSQL <c>FOR UPDATE SKIP LOCKED</c> lets
    /// concurrent workers each take a different one instead of queueing on the same row.
    /// </summary>
    public int? PopWaitingTrial(int studyId)
    {
        object now = RdbSchema.EncodeDate(DateTime.Now);
        int? id = WriteCommand((c, tx) =>
        {
            using var cmd = Command(c, tx, "SELECT COUNT(*) FROM studies WHERE study_id = @s; " +
                "UPDATE trials SET state = 'RUNNING', datetime_start = @now WHERE trial_id = (SELECT trial_id FROM trials " +
                "WHERE study_id = @s AND state = 'WAITING' ORDER BY number LIMIT 1" + _db.ForUpdateSkipLocked + ") RETURNING trial_id",
                ("@s", studyId), ("@now", now));
            using var r = cmd.ExecuteReader();
            NextRows(r, first: true);
            r.Read();
            if (Convert.ToInt64(r.GetValue(0)) == 0) throw MissingStudy(studyId);
            NextRows(r);
            return r.Read() ? r.GetInt32(0) : (int?)null;
        });
        if (id is { } claimed) _owned.Add(LoadTrial(claimed), studyId);
        return id;
    }

    /// <inheritdoc/>
    public void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        string json = distribution.ToJson();
        if (_owned.StudyOf(trialId) is { } studyId && _firstDistributions.TryGetValue((studyId, paramName), out var first))
        {
            // The usual case (a trial this process runs, a parameter the study has seen): checked in memory, written by
            // one statement that inserts only while the trial is unfinished, holding its row.
            Distribution.CheckCompatibility(paramName, first, distribution);
            int written = Missing(() => WriteCommand((c, tx) => Exec(c, tx, _db.DeferFlush +
                "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) SELECT trial_id, @n, @v, @d FROM trials " +
                "WHERE trial_id = @t AND state IN ('RUNNING', 'WAITING')" + _db.ForUpdate + " " +
                "ON CONFLICT (trial_id, param_name) DO UPDATE SET param_value = excluded.param_value, distribution_json = excluded.distribution_json",
                ("@t", trialId), ("@n", paramName), ("@v", internalValue), ("@d", json))), () => MissingTrial(trialId));
            if (written < 1) throw NotUpdatable(trialId);
        }
        else
        {
            Write((c, tx) =>
            {
                var (sid, _) = Updatable(c, tx, trialId);
                CheckParamDistribution(c, tx, sid, paramName, distribution);
                var batch = new Batch(trialId).Param(paramName, internalValue, json);
                Exec(c, tx, batch.Text, batch.Args);
            });
        }
        var stored = Distribution.FromJson(json); // as a read would return it
        _owned.Update(trialId, t => t with
        {
            InternalParams = t.InternalParams.SetItem(paramName, internalValue),
            Distributions = t.Distributions.SetItem(paramName, stored),
        });
    }

    /// <inheritdoc/>
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null)
        => SetTrialStateValues(trialId, state, values, null);

    /// <summary>Moves a trial to a state and records system attributes (a fail reason) in the same transaction.</summary>
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values, IReadOnlyDictionary<string, object?>? systemAttrs)
    {
        var attrs = systemAttrs?.Select(kv => (kv.Key, Json: AttrJson.Serialize(kv.Value, kv.Key))).ToArray() ?? [];
        var stamp = RdbSchema.RoundToStored(DateTime.Now);
        object now = RdbSchema.EncodeDate(stamp);
        if (state == TrialState.Running) return Write((c, tx) =>
        {
            Locate(c, tx, trialId, lockRow: true);
            // Only a WAITING trial can be claimed; the conditional update is what makes the claim atomic across processes.
            if (Exec(c, tx, "UPDATE trials SET state = 'RUNNING', datetime_start = @now WHERE trial_id = @t AND state = 'WAITING'",
                    ("@now", now), ("@t", trialId)) != 1) return false;
            var batch = new Batch(trialId);
            foreach (var (key, json) in attrs) batch.Attr("trial_system_attributes", key, json);
            if (!batch.IsEmpty) Exec(c, tx, batch.Text, batch.Args);
            return true;
        });

        var change = new Batch(trialId);
        if (values is not null) change.Values(values);
        change.Add("UPDATE trials SET state = {0}, datetime_complete = CASE WHEN {1} THEN {2} ELSE datetime_complete END WHERE trial_id = @t",
            RdbSchema.StateName(state), state.IsFinished(), now);
        foreach (var (key, json) in attrs) change.Attr("trial_system_attributes", key, json);
        // A finished trial is the record that must survive: this commit waits for the disk.
        WriteUnfinished(trialId, change, deferFlush: false,
            (number, current) => new InvalidOperationException($"trial {number} is already finished ({current}); its state cannot change to {state}"));
        _owned.Update(trialId, t => t with
        {
            State = state,
            Values = values?.ToArray() ?? t.Values,
            DatetimeComplete = state.IsFinished() ? stamp : t.DatetimeComplete,
            SystemAttrs = t.SystemAttrs.SetItems(attrs.Select(a => KeyValuePair.Create(a.Key, AttrJson.Deserialize(a.Json)))),
        });
        return true;
    }

    /// <inheritdoc/>
    public void SetTrialIntermediateValue(int trialId, int step, double value)
    {
        WriteUnfinished(trialId, new Batch(trialId).Intermediate(step, value), deferFlush: true);
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
        WriteUnfinished(trialId, new Batch(trialId).Attr(table, key, json), deferFlush: true);
        var stored = AttrJson.Deserialize(json);
        _owned.Update(trialId, t => table == "trial_user_attributes"
            ? t with { UserAttrs = t.UserAttrs.SetItem(key, stored) }
            : t with { SystemAttrs = t.SystemAttrs.SetItem(key, stored) });
    }

    /// <summary>
    /// Runs <paramref name="change"/> in one transaction after a statement, sent with it in the same command, that locks
    /// the trial's row and reads its state: a missing trial throws KeyNotFoundException and a finished one
    /// <paramref name="finished"/>(number, state) (InvalidOperationException by default), and nothing is committed.
    /// </summary>
    private void WriteUnfinished(int trialId, Batch change, bool deferFlush, Func<int, TrialState, Exception>? finished = null) => Missing(() => Write((c, tx) =>
    {
        using var cmd = Command(c, tx, (deferFlush ? _db.DeferFlush : "") + "SELECT number, state FROM trials WHERE trial_id = @t" + _db.ForUpdate + "; " + change.Text, change.Args);
        using var r = cmd.ExecuteReader();
        NextRows(r, first: true);
        if (!r.Read()) throw MissingTrial(trialId);
        var (number, state) = (r.GetInt32(0), RdbSchema.ParseState(r.GetString(1)));
        if (state.IsFinished())
            throw finished?.Invoke(number, state) ?? new InvalidOperationException($"trial {number} is already finished ({state}) and cannot be changed");
        return 0;
    }), () => MissingTrial(trialId));

    /// <summary>Why a trial could not be changed: it is gone, or it is finished.</summary>
    private Exception NotUpdatable(int trialId)
    {
        var (_, number, state) = Read((c, tx) => Locate(c, tx, trialId));
        return new InvalidOperationException($"trial {number} is already finished ({state}) and cannot be changed");
    }

    private static KeyNotFoundException MissingTrial(int trialId) => new($"no trial with id {trialId}");

    private KeyNotFoundException MissingStudy(int studyId) => new($"no study with id {studyId} in '{Path}'");
}
