namespace Overfit.Tuning;

/// <summary>Scores how much each parameter explains the objective over a study's completed trials (Optuna's BaseImportanceEvaluator).</summary>
public interface IImportanceEvaluator
{
    /// <summary>
    /// Importance per parameter, largest first. <paramref name="params"/> null means the parameters every completed
    /// trial shares; <paramref name="target"/> picks the value to explain (required for multi-objective studies).
    /// Parameters whose distribution holds a single value get 0.
    /// </summary>
    IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? @params = null, Func<FrozenTrial, double>? target = null);
}

/// <summary>Parameter importances of a study (Optuna's optuna.importance).</summary>
public static class Importance
{
    /// <summary>
    /// Importances by <paramref name="evaluator"/> (fANOVA when null), largest first. With <paramref name="normalize"/>
    /// they are divided by their sum (Optuna's get_param_importances); an all-zero result stays zero.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Get(Study study, IImportanceEvaluator? evaluator = null, IReadOnlyList<string>? @params = null,
        Func<FrozenTrial, double>? target = null, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(study);
        var raw = (evaluator ?? new FanovaImportanceEvaluator()).Evaluate(study, @params, target);
        double total = raw.Values.Sum();
        if (!normalize || total == 0) return raw;
        return Sorted(raw.Select(p => (p.Key, p.Value / total)));
    }

    internal static IReadOnlyDictionary<string, double> Sorted(IEnumerable<(string Name, double Value)> importances)
    {
        var ordered = new OrderedImportances();
        foreach (var (name, value) in importances.OrderByDescending(p => p.Value)) ordered.Add(name, value);
        return ordered;
    }

    /// <summary>The distributions to score (Optuna's _get_distributions) after checking the study can be scored.</summary>
    internal static Dictionary<string, Distribution> Distributions(Study study, IReadOnlyList<string>? @params, Func<FrozenTrial, double>? target)
    {
        if (target is null && study.IsMultiObjective)
            throw new ArgumentException($"study '{study.StudyName}' has {study.Directions.Count} objectives; give a target, e.g. t => t.Values[0]", nameof(target));
        var completed = study.GetTrials([TrialState.Complete]);
        if (completed.Count == 0) throw new ArgumentException($"study '{study.StudyName}' has no completed trial; importances need at least two", nameof(study));
        if (completed.Count == 1) throw new ArgumentException($"study '{study.StudyName}' has a single completed trial; importances need at least two", nameof(study));
        if (@params is null)
            return new Dictionary<string, Distribution>(new IntersectionSearchSpace().Calculate(study));
        foreach (var name in @params)
            if (!completed.Any(t => t.Distributions.ContainsKey(name)))
                throw new ArgumentException($"parameter '{name}' appears in no completed trial", nameof(@params));
        Dictionary<string, Distribution>? result = null;
        foreach (var t in completed)
        {
            if (!@params.All(t.Distributions.ContainsKey)) continue;
            if (result is null) { result = @params.ToDictionary(n => n, n => t.Distributions[n]); continue; }
            foreach (var (name, d) in result)
                if (!t.Distributions[name].Equals(d))
                    throw new ArgumentException($"parameter '{name}' has different distributions across trials; importances of chosen parameters need one search space", nameof(@params));
        }
        return result ?? throw new ArgumentException("no completed trial has all the given parameters", nameof(@params));
    }

    /// <summary>Completed trials that have every parameter and a finite target (Optuna's _get_filtered_trials).</summary>
    internal static List<FrozenTrial> FilteredTrials(Study study, IEnumerable<string> @params, Func<FrozenTrial, double>? target)
    {
        var names = @params.ToArray();
        return study.GetTrials([TrialState.Complete])
            .Where(t => names.All(t.InternalParams.ContainsKey) && double.IsFinite(TargetValue(t, target)))
            .ToList();
    }

    internal static double TargetValue(FrozenTrial t, Func<FrozenTrial, double>? target) => target?.Invoke(t) ?? t.Value!.Value;

    /// <summary>A read-only dictionary that enumerates in insertion order (largest importance first).</summary>
    private sealed class OrderedImportances : IReadOnlyDictionary<string, double>
    {
        private readonly List<KeyValuePair<string, double>> _items = [];
        private readonly Dictionary<string, double> _lookup = [];
        public void Add(string key, double value) { _items.Add(new(key, value)); _lookup.Add(key, value); }
        public double this[string key] => _lookup[key];
        public IEnumerable<string> Keys => _items.Select(p => p.Key);
        public IEnumerable<double> Values => _items.Select(p => p.Value);
        public int Count => _items.Count;
        public bool ContainsKey(string key) => _lookup.ContainsKey(key);
        public bool TryGetValue(string key, out double value) => _lookup.TryGetValue(key, out value);
        public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => _items.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
