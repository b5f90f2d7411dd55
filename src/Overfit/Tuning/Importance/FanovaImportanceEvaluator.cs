namespace Overfit.Tuning;

/// <summary>
/// fANOVA importances (Optuna's FanovaImportanceEvaluator): a random forest (64 trees of depth at most 64 by default,
/// scikit-learn's RandomForestRegressor rules) is fitted to the completed trials encoded without log transform and
/// with one-hot categoricals; each parameter's importance is the mean over trees of its main-effect variance divided
/// by the tree's total variance, normalized over the parameters. Seeded: the same seed gives the same numbers.
/// </summary>
public sealed class FanovaImportanceEvaluator(int nTrees = 64, int maxDepth = 64, ulong seed = 0) : IImportanceEvaluator
{
    /// <summary>Number of trees, ≥ 1 (default 64).</summary>
    public int NTrees { get; } = nTrees >= 1 ? nTrees : throw new ArgumentOutOfRangeException(nameof(nTrees), nTrees, "expected at least one tree");
    /// <summary>Depth limit of every tree, ≥ 1 (default 64).</summary>
    public int MaxDepth { get; } = maxDepth >= 1 ? maxDepth : throw new ArgumentOutOfRangeException(nameof(maxDepth), maxDepth, "expected a depth of at least 1");
    /// <summary>Seed of the forest.</summary>
    public ulong Seed { get; } = seed;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? @params = null, Func<FrozenTrial, double>? target = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        var distributions = Importance.Distributions(study, @params, target);
        var varying = distributions.Where(p => !p.Value.Single).ToDictionary(p => p.Key, p => p.Value);
        var fixedOnes = distributions.Keys.Where(k => !varying.ContainsKey(k)).Select(k => (k, 0.0));
        if (varying.Count == 0) return Importance.Sorted([]);
        var trials = Importance.FilteredTrials(study, distributions.Keys, target);
        var transform = new SearchSpaceTransform(varying, transformLog: false, transformStep: false);
        int n = trials.Count, d = transform.EncodedDimension;
        var x = new double[n, d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            var row = transform.Transform(trials[i].InternalParams);
            for (int j = 0; j < d; j++) x[i, j] = row[j];
            y[i] = Importance.TargetValue(trials[i], target);
        }
        var space = new double[d, 2];
        for (int j = 0; j < d; j++) { space[j, 0] = transform.Lower[j]; space[j, 1] = transform.Upper[j]; }
        var columns = new int[varying.Count][];
        int column = 0, p = 0;
        foreach (var name in transform.ParamNames)
        {
            int width = varying[name] is CategoricalDistribution c ? c.Choices.Count : 1;
            columns[p++] = Enumerable.Range(column, width).ToArray();
            column += width;
        }
        var raw = Fanova.Importances(x, y, space, columns, NTrees, MaxDepth, Seed);
        double total = raw.Sum();
        return Importance.Sorted(transform.ParamNames.Select((name, i) => (name, raw[i] / total)).Concat(fixedOnes));
    }
}
