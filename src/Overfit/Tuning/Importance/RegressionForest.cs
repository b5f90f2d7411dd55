using Overfit.Tensors;

namespace Overfit.Tuning;

/// <summary>
/// One fitted regression tree in array form (node 0 is the root; children have larger indices than their parent,
/// nodes are numbered depth-first, left before right). A leaf has <see cref="Feature"/> = -1.
/// </summary>
internal sealed class RegressionTree
{
    public required int[] Feature { get; init; }
    public required double[] Threshold { get; init; }
    public required int[] Left { get; init; }
    public required int[] Right { get; init; }
    /// <summary>Weighted mean of the targets that reached the node.</summary>
    public required double[] Value { get; init; }
    public int NodeCount => Feature.Length;

    public double Predict(ReadOnlySpan<double> x)
    {
        int node = 0;
        while (Feature[node] >= 0) node = x[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        return Value[node];
    }
}

/// <summary>
/// A random forest of regression trees with scikit-learn's RandomForestRegressor rules (the model behind Optuna's
/// fANOVA): each tree is grown on a bootstrap sample (drawn with replacement, n draws, as integer weights),
/// squared-error splits over all features visited in random order, thresholds halfway between neighbouring
/// distinct values, a node becomes a leaf at <c>maxDepth</c>, below <c>minSamplesSplit</c> distinct samples, when
/// pure, or when no split leaves <c>minSamplesLeaf</c> on both sides. The random streams differ from NumPy's, so
/// trees differ from scikit-learn's draw for draw.
/// </summary>
internal static class RegressionForest
{
    private const double FeatureThreshold = 1e-7;   // scikit-learn: values closer than this count as equal
    private const double MachineEpsilon = 2.220446049250313e-16;   // scikit-learn's EPSILON: a node this pure is a leaf

    public static RegressionTree[] Fit(double[,] x, double[] y, int nTrees = 64, int maxDepth = 64, int minSamplesSplit = 2,
        int minSamplesLeaf = 1, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int n = x.GetLength(0);
        if (n != y.Length) throw new ArgumentException($"x has {n} rows but y has {y.Length} values", nameof(y));
        if (n < 1) throw new ArgumentException("expected at least one sample", nameof(x));
        if (nTrees < 1) throw new ArgumentOutOfRangeException(nameof(nTrees), nTrees, "expected at least one tree");
        var master = new Generator(seed);
        var seeds = new ulong[nTrees];
        for (int t = 0; t < nTrees; t++) seeds[t] = master.NextUInt64();
        var trees = new RegressionTree[nTrees];
        Threading.For(nTrees, t =>
        {
            var rng = new Generator(seeds[t]);
            var weights = new double[n];
            for (int i = 0; i < n; i++) weights[rng.NextInt(n)] += 1;
            trees[t] = new TreeBuilder(x, y, weights, maxDepth, minSamplesSplit, minSamplesLeaf, rng).Build();
        });
        return trees;
    }

    private sealed class TreeBuilder(double[,] x, double[] y, double[] w, int maxDepth, int minSamplesSplit, int minSamplesLeaf, Generator rng)
    {
        private readonly List<int> _feature = [], _left = [], _right = [];
        private readonly List<double> _threshold = [], _value = [];
        private readonly int _d = x.GetLength(1);

        public RegressionTree Build()
        {
            var samples = Enumerable.Range(0, y.Length).Where(i => w[i] != 0).ToArray();
            Grow(samples, 0);
            return new RegressionTree
            {
                Feature = [.. _feature], Threshold = [.. _threshold], Left = [.. _left], Right = [.. _right], Value = [.. _value],
            };
        }

        private int Grow(int[] samples, int depth)
        {
            double sw = 0, swy = 0, swy2 = 0;
            foreach (int i in samples) { sw += w[i]; swy += w[i] * y[i]; swy2 += w[i] * y[i] * y[i]; }
            double mean = swy / sw;
            double impurity = swy2 / sw - mean * mean;
            int node = _feature.Count;
            _feature.Add(-1); _threshold.Add(-2); _left.Add(-1); _right.Add(-1); _value.Add(mean);
            bool leaf = depth >= maxDepth || samples.Length < minSamplesSplit || samples.Length < 2 * minSamplesLeaf
                        || impurity <= MachineEpsilon;
            if (leaf) return node;
            var split = BestSplit(samples, sw, swy);
            if (split.Feature < 0) return node;
            var leftSamples = samples.Where(i => x[i, split.Feature] <= split.Threshold).ToArray();
            var rightSamples = samples.Where(i => x[i, split.Feature] > split.Threshold).ToArray();
            _feature[node] = split.Feature;
            _threshold[node] = split.Threshold;
            _left[node] = Grow(leftSamples, depth + 1);
            _right[node] = Grow(rightSamples, depth + 1);
            return node;
        }

        private (int Feature, double Threshold) BestSplit(int[] samples, double sw, double swy)
        {
            // Proxy of the impurity decrease: Σ_left²/w_left + Σ_right²/w_right (larger is better).
            double bestProxy = double.NegativeInfinity;
            int bestFeature = -1;
            double bestThreshold = 0;
            var order = rng.Permutation(_d);
            var sorted = new int[samples.Length];
            var keys = new double[samples.Length];
            foreach (int f in order)
            {
                for (int k = 0; k < samples.Length; k++) { sorted[k] = samples[k]; keys[k] = x[samples[k], f]; }
                Array.Sort(keys, sorted);
                if (keys[^1] <= keys[0] + FeatureThreshold) continue;   // constant here
                double wl = 0, swyl = 0;
                int end = samples.Length;
                for (int p = 0; p < end - 1; p++)
                {
                    int i = sorted[p];
                    wl += w[i]; swyl += w[i] * y[i];
                    if (keys[p + 1] <= keys[p] + FeatureThreshold) continue;
                    int nLeft = p + 1;
                    if (nLeft < minSamplesLeaf || end - nLeft < minSamplesLeaf) continue;
                    double wr = sw - wl, swyr = swy - swyl;
                    double proxy = swyl * swyl / wl + swyr * swyr / wr;
                    if (proxy > bestProxy)
                    {
                        bestProxy = proxy;
                        bestFeature = f;
                        double t = 0.5 * (keys[p] + keys[p + 1]);
                        bestThreshold = t == keys[p + 1] || double.IsInfinity(t) ? keys[p] : t;
                    }
                }
            }
            return (bestFeature, bestThreshold);
        }
    }
}
