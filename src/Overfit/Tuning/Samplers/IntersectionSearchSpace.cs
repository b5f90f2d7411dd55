namespace Overfit.Tuning;

/// <summary>
/// The parameters every finished trial of a study shares with the same distribution (Optuna's
/// IntersectionSearchSpace): what relative samplers model jointly. Incremental: each call only looks at trials that
/// finished since the previous call, so one instance serves one study (a different study throws).
/// </summary>
public sealed class IntersectionSearchSpace(bool includePruned = false)
{
    private readonly Lock _lock = new();
    private (IStorage Storage, int StudyId)? _study;
    private int _cursor = -1;
    private Dictionary<string, Distribution>? _space;

    /// <summary>The intersection, sorted by parameter name.</summary>
    public SortedDictionary<string, Distribution> Calculate(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        lock (_lock)
        {
            _study ??= (study.Storage, study.StudyId);
            if (!ReferenceEquals(_study.Value.Storage, study.Storage) || _study.Value.StudyId != study.StudyId)
                throw new ArgumentException($"an IntersectionSearchSpace serves one study; got study '{study.StudyName}' after another", nameof(study));
            TrialState[] states = includePruned
                ? [TrialState.Complete, TrialState.Waiting, TrialState.Running, TrialState.Pruned]
                : [TrialState.Complete, TrialState.Waiting, TrialState.Running];
            var trials = study.GetTrials(states);
            int nextCursor = trials.Count > 0 ? trials[^1].Number + 1 : -1;
            for (int i = trials.Count - 1; i >= 0; i--)
            {
                var t = trials[i];
                if (_cursor > t.Number) break;
                if (!t.State.IsFinished()) { nextCursor = t.Number; continue; }
                if (_space is null) { _space = new Dictionary<string, Distribution>(t.Distributions); continue; }
                foreach (var name in _space.Keys.ToArray())
                    if (!t.Distributions.TryGetValue(name, out var d) || !d.Equals(_space[name])) _space.Remove(name);
            }
            _cursor = nextCursor;
            return new SortedDictionary<string, Distribution>(_space ?? [], StringComparer.Ordinal);
        }
    }
}

/// <summary>
/// Splits the parameters of finished trials into disjoint groups that always appear together (Optuna's
/// _GroupDecomposedSearchSpace), so a conditional search space is modelled group by group.
/// </summary>
public sealed class GroupDecomposedSearchSpace(bool includePruned = false)
{
    private readonly Lock _lock = new();
    private readonly HashSet<int> _seen = [];
    private List<Dictionary<string, Distribution>> _groups = [];

    /// <summary>The current groups; each maps names to distributions.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, Distribution>> Calculate(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        TrialState[] states = includePruned ? [TrialState.Complete, TrialState.Pruned] : [TrialState.Complete];
        lock (_lock)
        {
            foreach (var t in study.GetTrials(states))
                if (_seen.Add(t.Number)) Add(t.Distributions);
            return _groups.Select(g => (IReadOnlyDictionary<string, Distribution>)new Dictionary<string, Distribution>(g)).ToArray();
        }
    }

    private void Add(IReadOnlyDictionary<string, Distribution> distributions)
    {
        var keys = new HashSet<string>(distributions.Keys);
        var next = new List<Dictionary<string, Distribution>>();
        foreach (var group in _groups)
        {
            next.Add(group.Where(p => keys.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value));
            next.Add(group.Where(p => !keys.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value));
            keys.ExceptWith(group.Keys);
        }
        next.Add(keys.ToDictionary(k => k, k => distributions[k]));
        _groups = next.Where(g => g.Count > 0).ToList();
    }
}
