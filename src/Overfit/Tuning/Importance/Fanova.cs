namespace Overfit.Tuning;

/// <summary>
/// fANOVA importances from encoded trials (Optuna's _Fanova): a random forest on the rows, and per parameter the mean
/// over trees (those with positive total variance) of the parameter's main-effect variance divided by the tree's total
/// variance. A parameter may span several encoded columns (a one-hot categorical); its marginal runs over all of them.
/// </summary>
internal static class Fanova
{
    /// <summary>Unnormalized importance per parameter (mean fraction of variance over the trees).</summary>
    /// <param name="x">encoded trials, one row each</param>
    /// <param name="y">target values</param>
    /// <param name="searchSpace">[column, low/high] of the encoded columns</param>
    /// <param name="columns">for each parameter, its encoded columns</param>
    /// <param name="nTrees">trees in the forest</param>
    /// <param name="maxDepth">depth limit of every tree</param>
    /// <param name="seed">seed of the forest's bootstrap samples and feature order</param>
    public static double[] Importances(double[,] x, double[] y, double[,] searchSpace, int[][] columns,
        int nTrees = 64, int maxDepth = 64, ulong seed = 0)
    {
        if (searchSpace.GetLength(0) != x.GetLength(1) || searchSpace.GetLength(1) != 2)
            throw new ArgumentException($"searchSpace must be [{x.GetLength(1)}, 2], got [{searchSpace.GetLength(0)}, {searchSpace.GetLength(1)}]", nameof(searchSpace));
        var forest = RegressionForest.Fit(x, y, nTrees, maxDepth, minSamplesSplit: 2, minSamplesLeaf: 1, seed: seed);
        var trees = forest.Select(t => new FanovaTree(t, searchSpace)).ToArray();
        if (trees.All(t => t.Variance == 0))
            throw new InvalidOperationException("every tree of the fANOVA forest has zero total variance (all target values equal, or a single trial); importances are undefined");
        var result = new double[columns.Length];
        Threading.For(columns.Length, p =>
        {
            double sum = 0;
            int count = 0;
            foreach (var tree in trees)
            {
                if (!(tree.Variance > 0)) continue;
                sum += tree.MarginalVariance(columns[p]) / tree.Variance;
                count++;
            }
            result[p] = sum / count;
        });
        return result;
    }
}
