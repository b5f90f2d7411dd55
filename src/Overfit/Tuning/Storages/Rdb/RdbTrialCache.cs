namespace Overfit.Tuning;

/// <summary>
/// Finished trials of each study already read by this process. A finished trial never changes, and trials are created
/// under the study's lock so a study's trial ids are committed in increasing order; so every trial below the lowest
/// id that was unfinished at the last read (the watermark) is finished and cached, and a read only needs the trials
/// at or above it. Before the cache is used the count and largest id below the watermark are checked against the
/// database, so a study deleted and recreated, or a trial written out of order by another program, drops the cache.
/// </summary>
internal sealed class RdbTrialCache
{
    private sealed record Entry(FrozenTrial[] Finished, int Watermark, int MaxId);

    private readonly Lock _lock = new();
    private readonly Dictionary<int, Entry> _studies = [];

    /// <summary>The finished trials cached for the study with the watermark and largest id they were read at; null when none are.</summary>
    public (FrozenTrial[] Finished, int Watermark, int MaxId)? Get(int studyId)
    {
        lock (_lock) return _studies.TryGetValue(studyId, out var e) ? (e.Finished, e.Watermark, e.MaxId) : null;
    }

    /// <summary>
    /// The study's trials ordered by number: <paramref name="cached"/> (the finished trials from <see cref="Get"/>,
    /// confirmed against the database; empty when they were not) and <paramref name="fresh"/>, read from the
    /// watermark on (from 0 without cached trials). Remembers the finished ones for the next read.
    /// </summary>
    public FrozenTrial[] Store(int studyId, FrozenTrial[] cached, int? cachedWatermark, FrozenTrial[] fresh)
    {
        int watermark = int.MaxValue;
        foreach (var t in fresh) if (!t.State.IsFinished()) watermark = Math.Min(watermark, t.TrialId);
        if (watermark == int.MaxValue) watermark = fresh.Length == 0 ? cachedWatermark ?? 0 : fresh.Max(t => t.TrialId) + 1;
        var finished = cached.Concat(fresh.Where(t => t.TrialId < watermark)).ToArray();
        lock (_lock) _studies[studyId] = new Entry(finished, watermark, finished.Length == 0 ? 0 : finished.Max(t => t.TrialId));

        var all = cached.Concat(fresh).ToArray();
        Array.Sort(all, (a, b) => a.Number.CompareTo(b.Number));
        return all;
    }

    /// <summary>Drops a study's cached trials (it was deleted).</summary>
    public void Forget(int studyId)
    {
        lock (_lock) _studies.Remove(studyId);
    }
}
