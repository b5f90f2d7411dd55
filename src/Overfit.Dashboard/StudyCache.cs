using Overfit.Tuning;

namespace Overfit.Dashboard;

/// <summary>
/// One study's trials as the dashboard last read them, each with the update at which it last changed. A refresh asks
/// the storage only for trials it has not seen and for those it saw unfinished (finished trials never change), so a
/// refresh of a 10,000-trial study reads the few trials that moved, and a page that passes its last update gets only
/// the trials that changed after it.
/// </summary>
internal sealed class StudyCache(IStorage storage, int studyId)
{
    /// <summary>A trial, its JSON and the update at which it last changed.</summary>
    public sealed record Entry(FrozenTrial Trial, byte[] Json, long Update);

    /// <summary>Every known trial (by number), the distribution JSON of each parameter, and the latest update.</summary>
    public sealed record Snapshot(IReadOnlyList<Entry> Entries, IReadOnlyDictionary<string, string> Distributions, long Update);

    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly SortedSet<int> _unfinished = [];
    private readonly SortedDictionary<string, string> _distributions = new(StringComparer.Ordinal);
    private long _update;

    /// <summary>The study's id in the storage.</summary>
    public int StudyId => studyId;

    /// <summary>Reads what changed since the last refresh and returns the current trials.</summary>
    public Snapshot Refresh()
    {
        lock (_gate)
        {
            var fresh = storage.GetTrialsFromNumber(studyId, _entries.Count, _unfinished.Count == 0 ? null : _unfinished.ToArray());
            long next = _update + 1;
            bool changed = false;
            foreach (var t in fresh)
            {
                if (t.Number < 0 || t.Number > _entries.Count)
                    throw new InvalidDataException($"study {studyId}: trial number {t.Number} does not follow the {_entries.Count} trials read so far");
                byte[] json = TrialJson.Serialize(t);
                if (t.Number < _entries.Count && _entries[t.Number].Json.AsSpan().SequenceEqual(json)) continue;
                var entry = new Entry(t, json, next);
                if (t.Number == _entries.Count) _entries.Add(entry); else _entries[t.Number] = entry;
                if (t.State.IsFinished()) _unfinished.Remove(t.Number); else _unfinished.Add(t.Number);
                foreach (var (name, d) in t.Distributions)
                    if (!_distributions.ContainsKey(name)) _distributions[name] = d.ToJson();
                changed = true;
            }
            if (changed) _update = next;
            return new Snapshot(_entries.ToArray(), new SortedDictionary<string, string>(_distributions, StringComparer.Ordinal), _update);
        }
    }
}
