using Overfit.Tensors;

namespace Overfit.Tuning;

/// <summary>
/// Visits every point of a full grid once (Optuna's GridSampler), recording each trial's point in its system attributes
/// "grid_id" and "search_space" as Optuna does, so a grid study Optuna started continues here and the other way round.
/// A new trial claims a random point that no trial of the study holds in the same transaction that creates it, so
/// threads and processes sharing a storage (SQLite, PostgreSQL) each get different points; once every point is taken,
/// <c>Optimize</c> stops instead of starting a trial. An explicit <see cref="Study.Ask"/> after that repeats an
/// unfinished point, as Optuna does.
/// </summary>
public sealed class GridSampler : ISampler, ITrialClaimingSampler
{
    internal const string GridIdKey = "grid_id";
    internal const string SearchSpaceKey = "search_space";
    private readonly string[] _names;
    private readonly object?[][] _values;
    private readonly object?[][] _grid;
    private readonly Dictionary<string, object?> _searchSpaceAttr;
    private readonly Generator _rng;
    private readonly Lock _lock = new();

    /// <summary>The grid is the product of the value lists, parameters in name order (values: null, bool, numbers, strings).</summary>
    public GridSampler(IReadOnlyDictionary<string, IReadOnlyList<object?>> searchSpace, ulong? seed = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (searchSpace.Count == 0) throw new ArgumentException("searchSpace: expected at least one parameter, got none", nameof(searchSpace));
        _names = searchSpace.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        _values = new object?[_names.Length][];
        for (int i = 0; i < _names.Length; i++)
        {
            var list = searchSpace[_names[i]] ?? throw new ArgumentNullException(nameof(searchSpace), $"parameter '{_names[i]}': null value list");
            if (list.Count == 0) throw new ArgumentException($"parameter '{_names[i]}': expected at least one grid value, got none", nameof(searchSpace));
            _values[i] = list.Select(v => CategoricalDistribution.Normalize(v) is var n && n is null or bool or long or double or string
                ? n : throw new ArgumentException($"parameter '{_names[i]}': grid values must be null, bool, numbers or strings, got {v} ({v!.GetType().Name})", nameof(searchSpace))).ToArray();
        }
        long size = 1;
        foreach (var v in _values) size = checked(size * v.Length);
        if (size > int.MaxValue) throw new ArgumentException($"the grid has {size} points; at most {int.MaxValue} are supported", nameof(searchSpace));
        _grid = new object?[size][];
        for (int g = 0; g < size; g++)
        {
            var point = new object?[_names.Length];
            int rest = g;
            for (int i = _names.Length - 1; i >= 0; i--) { point[i] = _values[i][rest % _values[i].Length]; rest /= _values[i].Length; }
            _grid[g] = point;
        }
        _searchSpaceAttr = _names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => (object?)_values[p.i]);
        _rng = new Generator(seed ?? (ulong)Random.Shared.NextInt64());
    }

    /// <summary>Number of grid points.</summary>
    public int GridSize => _grid.Length;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => RandomSampler.EmptySpace;

    /// <summary>Assigns the trial a grid point (nothing to sample jointly: values come from <see cref="SampleIndependent"/>).</summary>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
        => RandomSampler.EmptyValues;

    /// <summary>
    /// Gives the trial a grid point when it has none: trials asked through a study come with one claimed at creation
    /// (see <see cref="ITrialClaimingSampler"/>); enqueued trials keep their fixed parameters; any other trial (created
    /// straight through the storage) picks a free point without that guarantee, as Optuna does.
    /// </summary>
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        if (trial.SystemAttrs.ContainsKey(GridIdKey) || trial.SystemAttrs.ContainsKey(Study.FixedParamsKey)) return;
        var attrs = ((ITrialClaimingSampler)this).Claim(study.Storage.GetAllTrials(study.StudyId), repeat: true)!;
        foreach (var (key, value) in attrs) study.Storage.SetTrialSystemAttr(trial.TrialId, key, value);
    }

    IReadOnlyDictionary<string, object?>? ITrialClaimingSampler.Claim(IReadOnlyList<FrozenTrial> trials, bool repeat)
    {
        var (free, unfinished) = GridIds(trials);
        // Optuna's fallback for an explicit ask: an unfinished point, else any point.
        if (free.Count == 0 && repeat) free = unfinished.Count > 0 ? unfinished : Enumerable.Range(0, _grid.Length).ToList();
        if (free.Count == 0) return null;
        int gridId;
        lock (_lock) gridId = free[_rng.NextInt(free.Count)];
        return new Dictionary<string, object?> { [SearchSpaceKey] = _searchSpaceAttr, [GridIdKey] = (long)gridId };
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        int index = Array.IndexOf(_names, paramName);
        if (index < 0) throw new ArgumentException($"parameter '{paramName}' is not in the grid ({string.Join(", ", _names)})", nameof(paramName));
        var attrs = study.Storage.GetTrial(trial.TrialId).SystemAttrs;
        if (!attrs.TryGetValue(GridIdKey, out var id) || id is not long gridId)
            throw new InvalidOperationException($"trial {trial.Number} has no grid point; was it asked through a study using this sampler?");
        var value = _grid[gridId][index];
        try { return distribution.ToInternal(value); }
        catch (ArgumentException e) { throw new ArgumentException($"parameter '{paramName}': grid value {value ?? "null"} does not fit {distribution}", nameof(distribution), e); }
    }

    /// <summary>Stops the study once every grid point has a finished trial, counting the one finishing now (Optuna's after_trial).</summary>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        // The storage's own trial list, not the study view a bracketing pruner narrows (as Optuna reads it).
        var trials = study.Storage.GetAllTrials(study.StudyId).Select(t => t.TrialId == trial.TrialId ? t with { State = state } : t).ToArray();
        if (GridIds(trials).Unfinished.Count == 0) study.Stop();
    }

    /// <summary>
    /// Grid ids of this grid that no trial holds (free), and those no finished trial holds (unfinished). A trial holds
    /// its point in any state: finished, running, or waiting to be retried with it.
    /// </summary>
    private (List<int> Free, List<int> Unfinished) GridIds(IEnumerable<FrozenTrial> trials)
    {
        var held = new bool[_grid.Length];
        var finished = new bool[_grid.Length];
        foreach (var t in trials)
        {
            if (!t.SystemAttrs.TryGetValue(GridIdKey, out var id) || id is not long gridId || gridId < 0 || gridId >= _grid.Length || !SameSearchSpace(t)) continue;
            held[gridId] = true;
            if (t.State.IsFinished()) finished[gridId] = true;
        }
        return (Enumerable.Range(0, _grid.Length).Where(g => !held[g]).ToList(), Enumerable.Range(0, _grid.Length).Where(g => !finished[g]).ToList());
    }

    private bool SameSearchSpace(FrozenTrial t)
    {
        if (!t.SystemAttrs.TryGetValue(SearchSpaceKey, out var s) || s is not IReadOnlyDictionary<string, object?> space || space.Count != _names.Length) return false;
        for (int i = 0; i < _names.Length; i++)
        {
            if (!space.TryGetValue(_names[i], out var list) || list is not object?[] values || values.Length != _values[i].Length) return false;
            for (int k = 0; k < values.Length; k++)
                if (!CategoricalDistribution.ChoiceEquals(CategoricalDistribution.Normalize(values[k]), _values[i][k])) return false;
        }
        return true;
    }
}
