namespace Overfit.Tuning;

/// <summary>
/// The trials this storage started (created RUNNING or popped from the queue), kept in memory and updated after each
/// committed write, so the many reads of a running trial (every Suggest, Tell) cost no round trip. Only the process that
/// runs a trial writes to it; another worker may still fail it as stale, and then the owner's next write is refused by
/// the database, which is the truth. Finished trials never change, so their cached copies stay exact.
/// </summary>
internal sealed class RdbOwnedTrials
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, (FrozenTrial Trial, int StudyId)> _trials = [];

    public void Add(FrozenTrial trial, int studyId)
    {
        lock (_lock) _trials[trial.TrialId] = (trial, studyId);
    }

    public FrozenTrial? Get(int trialId)
    {
        lock (_lock) return _trials.TryGetValue(trialId, out var e) ? e.Trial : null;
    }

    /// <summary>The study of a trial this storage owns; null for any other trial.</summary>
    public int? StudyOf(int trialId)
    {
        lock (_lock) return _trials.TryGetValue(trialId, out var e) ? e.StudyId : null;
    }

    /// <summary>Applies a committed change to the cached copy, when this storage owns the trial.</summary>
    public void Update(int trialId, Func<FrozenTrial, FrozenTrial> change)
    {
        lock (_lock)
            if (_trials.TryGetValue(trialId, out var e)) _trials[trialId] = (change(e.Trial), e.StudyId);
    }

    /// <summary>Drops the cached trials of a deleted study (SQLite may hand their ids out again).</summary>
    public void Forget(IEnumerable<int> trialIds)
    {
        lock (_lock) foreach (int id in trialIds) _trials.Remove(id);
    }
}
