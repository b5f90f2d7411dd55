using System.Data.Common;

namespace Overfit.Tuning;

public sealed partial class RdbStorage
{
    /// <inheritdoc/>
    public int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null)
    {
        ArgumentNullException.ThrowIfNull(directions);
        StudyNaming.CheckDirections(directions);
        string name = studyName ?? StudyNaming.FreshName();
        return Write((c, tx) =>
        {
            if (Scalar(c, tx, "SELECT study_id FROM studies WHERE study_name = @n", ("@n", name)) is not null)
                throw new DuplicatedStudyException(name);
            int id = Convert.ToInt32(Scalar(c, tx, "INSERT INTO studies (study_name) VALUES (@n) RETURNING study_id", ("@n", name)));
            for (int k = 0; k < directions.Count; k++)
                Exec(c, tx, "INSERT INTO study_directions (direction, study_id, objective) VALUES (@d, @s, @k)",
                    ("@d", RdbSchema.DirectionName(directions[k])), ("@s", id), ("@k", k));
            return id;
        });
    }

    /// <inheritdoc/>
    public void DeleteStudy(int studyId)
    {
        var trialIds = Write((c, tx) =>
        {
            CheckStudy(c, tx, studyId, lockRow: true);
            var ids = new List<int>();
            using (var cmd = Command(c, tx, "SELECT trial_id FROM trials WHERE study_id = @s", ("@s", studyId)))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) ids.Add(r.GetInt32(0));
            DeleteStudyRows(c, tx, studyId);
            return ids;
        });
        _trialCache.Forget(studyId);
        _owned.Forget(trialIds);
        foreach (var key in _firstDistributions.Keys.Where(k => k.StudyId == studyId)) _firstDistributions.TryRemove(key, out _);
    }

    private void DeleteStudyRows(DbConnection c, DbTransaction tx, int studyId)
    {
        foreach (string table in RdbSchema.TrialChildTables)
            Exec(c, tx, $"DELETE FROM {table} WHERE trial_id IN (SELECT trial_id FROM trials WHERE study_id = @s)", ("@s", studyId));
        foreach (string table in new[] { "trials", "study_directions", "study_user_attributes", "study_system_attributes", "studies" })
            Exec(c, tx, $"DELETE FROM {table} WHERE study_id = @s", ("@s", studyId));
    }

    /// <inheritdoc/>
    public void SetStudyUserAttr(int studyId, string key, object? value) => SetStudyAttr("study_user_attributes", studyId, key, value);
    /// <inheritdoc/>
    public void SetStudySystemAttr(int studyId, string key, object? value) => SetStudyAttr("study_system_attributes", studyId, key, value);

    private void SetStudyAttr(string table, int studyId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        string json = AttrJson.Serialize(value, key);
        Write((c, tx) =>
        {
            CheckStudy(c, tx, studyId);
            Exec(c, tx, $"INSERT INTO {table} (study_id, \"key\", value_json) VALUES (@s, @k, @v) ON CONFLICT (study_id, \"key\") DO UPDATE SET value_json = excluded.value_json",
                ("@s", studyId), ("@k", key), ("@v", json));
        });
    }

    /// <inheritdoc/>
    public int GetStudyIdFromName(string studyName)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        return Read((c, tx) => Scalar(c, tx, "SELECT study_id FROM studies WHERE study_name = @n", ("@n", studyName)) is { } id
            ? Convert.ToInt32(id)
            : throw new KeyNotFoundException($"no study named '{studyName}' in '{Path}'"));
    }

    /// <inheritdoc/>
    public string GetStudyNameFromId(int studyId)
        => Read((c, tx) => (string?)Scalar(c, tx, "SELECT study_name FROM studies WHERE study_id = @s", ("@s", studyId))
            ?? throw new KeyNotFoundException($"no study with id {studyId} in '{Path}'"));

    /// <inheritdoc/>
    public IReadOnlyList<StudyDirection> GetStudyDirections(int studyId) => Read((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        return Directions(c, tx, studyId);
    });

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId) => Read((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        return Attrs(c, tx, "study_user_attributes", "study_id", studyId);
    });

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId) => Read((c, tx) =>
    {
        CheckStudy(c, tx, studyId);
        return Attrs(c, tx, "study_system_attributes", "study_id", studyId);
    });

    /// <inheritdoc/>
    public IReadOnlyList<StudySummary> GetAllStudies() => Read((c, tx) =>
    {
        var studies = new List<(int, string)>();
        using (var cmd = Command(c, tx, "SELECT study_id, study_name FROM studies ORDER BY study_id"))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) studies.Add((r.GetInt32(0), r.GetString(1)));
        return studies.Select(s => new StudySummary(s.Item1, s.Item2, Directions(c, tx, s.Item1))).ToArray();
    });

    private void CheckStudy(DbConnection c, DbTransaction tx, int studyId, bool lockRow = false)
    {
        if (Scalar(c, tx, "SELECT 1 FROM studies WHERE study_id = @s" + (lockRow ? _db.ForUpdate : ""), ("@s", studyId)) is null)
            throw MissingStudy(studyId);
    }

    private StudyDirection[] Directions(DbConnection c, DbTransaction tx, int studyId)
    {
        var dirs = new List<StudyDirection>();
        using var cmd = Command(c, tx, "SELECT direction FROM study_directions WHERE study_id = @s ORDER BY objective", ("@s", studyId));
        using var r = cmd.ExecuteReader();
        while (r.Read()) dirs.Add(RdbSchema.ParseDirection(r.GetString(0)));
        return dirs.ToArray();
    }

    private Dictionary<string, object?> Attrs(DbConnection c, DbTransaction tx, string table, string idColumn, int id)
    {
        var attrs = new Dictionary<string, object?>();
        using var cmd = Command(c, tx, $"SELECT \"key\", value_json FROM {table} WHERE {idColumn} = @i", ("@i", id));
        using var r = cmd.ExecuteReader();
        while (r.Read()) attrs[r.GetString(0)] = AttrJson.Deserialize(r.GetString(1));
        return attrs;
    }
}
