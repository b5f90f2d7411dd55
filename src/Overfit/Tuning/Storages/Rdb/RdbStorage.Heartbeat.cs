namespace Overfit.Tuning;

public sealed partial class RdbStorage
{
    // Heartbeats are UTC text, as SQLite's CURRENT_TIMESTAMP that Optuna writes and compares against.

    /// <inheritdoc/>
    public void RecordHeartbeat(int trialId) => Write((c, tx) =>
    {
        Locate(c, tx, trialId);
        Exec(c, tx, "INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (@t, @h) ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat",
            ("@t", trialId), ("@h", RdbSchema.EncodeDate(DateTime.UtcNow)));
    });

    /// <inheritdoc/>
    public IReadOnlyList<int> GetStaleTrialIds(int studyId)
    {
        if (GracePeriod is not { } grace) return [];
        return Read((c, tx) =>
        {
            CheckStudy(c, tx, studyId);
            var now = DateTime.UtcNow;
            var stale = new List<int>();
            using var cmd = Command(c, tx, "SELECT t.trial_id, h.heartbeat FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id " +
                "WHERE t.study_id = @s AND t.state = 'RUNNING'", ("@s", studyId));
            using var r = cmd.ExecuteReader();
            while (r.Read())
                if (RdbSchema.DecodeDate(r.GetValue(1)) is { } beat && now - beat > grace) stale.Add(r.GetInt32(0));
            return stale;
        });
    }
}
