using Overfit.Tensors;

namespace Overfit.Tuning;

/// <summary>
/// Visits every point of a full grid once (Optuna's GridSampler): each trial takes a random grid point that no finished
/// or running trial of the study holds (so parallel workers and processes share the grid), recorded in the trial's
/// system attributes "grid_id" and "search_space"; once every point is taken the study is asked to stop. A trial that
/// still starts after that (a worker that was already asking) repeats an unfinished point, as Optuna does.
/// </summary>
public sealed class GridSampler : ISampler
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

    /// <inheritdoc/>
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        if (trial.SystemAttrs.ContainsKey(GridIdKey) || trial.SystemAttrs.ContainsKey(Study.FixedParamsKey)) return;
        lock (_lock)
        {
            var targets = UnvisitedGridIds(study);
            if (targets.Count == 0) targets = Enumerable.Range(0, _grid.Length).ToList();
            int gridId = targets[_rng.NextInt(targets.Count)];
            study.Storage.SetTrialSystemAttr(trial.TrialId, SearchSpaceKey, _searchSpaceAttr);
            study.Storage.SetTrialSystemAttr(trial.TrialId, GridIdKey, gridId);
            // Taking the last free point ends the loop now, so idle workers do not start trials that would repeat points.
            if (targets.Count == 1) study.Stop();
        }
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

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        lock (_lock)
        {
            var unvisited = UnvisitedGridIds(study, excludeRunning: false, finishing: trial.Number);
            if (unvisited.Count == 0) study.Stop();
        }
    }

    /// <summary>Grid ids no finished (and, by default, no running) trial of the same grid holds; all unfinished ones once every point is taken.</summary>
    private List<int> UnvisitedGridIds(Study study, bool excludeRunning = true, int finishing = -1)
    {
        var visited = new HashSet<long>();
        var running = new HashSet<long>();
        foreach (var t in study.GetTrials())
        {
            if (!t.SystemAttrs.TryGetValue(GridIdKey, out var id) || id is not long gridId || !SameSearchSpace(t)) continue;
            if (t.State.IsFinished() || t.Number == finishing) visited.Add(gridId);
            else if (t.State == TrialState.Running) running.Add(gridId);
        }
        var unvisited = Enumerable.Range(0, _grid.Length).Where(g => !visited.Contains(g) && !(excludeRunning && running.Contains(g))).ToList();
        return unvisited.Count == 0 && excludeRunning ? Enumerable.Range(0, _grid.Length).Where(g => !visited.Contains(g)).ToList() : unvisited;
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
