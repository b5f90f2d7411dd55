namespace Overfit.Tuning;

/// <summary>
/// Functional ANOVA over one regression tree (Hutter, Hoos and Leyton-Brown, ICML 2014), computed as Optuna's
/// fANOVA does: every node carries the volume-weighted mean of its leaves and the volume of its box; the total
/// variance is the volume-weighted variance of the leaf values; the marginal of a feature set is evaluated at the
/// midpoints of the intervals its split thresholds cut the search space into, and its variance, weighted by the
/// interval sizes, is that set's main effect.
/// </summary>
internal sealed class FanovaTree
{
    private readonly RegressionTree _tree;
    private readonly double[,] _space;            // [feature, low/high]
    private readonly double[] _nodeValue, _nodeWeight;
    private readonly double[][] _midpoints, _sizes;
    private readonly bool[][] _subtreeFeatures;   // features split on anywhere below a node
    private readonly int _d;

    public FanovaTree(RegressionTree tree, double[,] searchSpace)
    {
        _tree = tree;
        _space = searchSpace;
        _d = searchSpace.GetLength(0);
        int n = tree.NodeCount;
        _nodeValue = new double[n];
        _nodeWeight = new double[n];
        var boxes = new double[n][,];
        boxes[0] = searchSpace;
        for (int node = 0; node < n; node++)
        {
            var box = boxes[node];
            if (tree.Feature[node] < 0)
            {
                _nodeValue[node] = tree.Value[node];
                _nodeWeight[node] = Cardinality(box);
                continue;
            }
            boxes[tree.Left[node]] = Narrow(box, tree.Feature[node], 1, tree.Threshold[node]);
            boxes[tree.Right[node]] = Narrow(box, tree.Feature[node], 0, tree.Threshold[node]);
        }
        for (int node = n - 1; node >= 0; node--)
        {
            if (tree.Feature[node] < 0) continue;
            int l = tree.Left[node], r = tree.Right[node];
            double wSum = _nodeWeight[l] + _nodeWeight[r];
            _nodeValue[node] = (_nodeValue[l] * _nodeWeight[l] + _nodeValue[r] * _nodeWeight[r]) / wSum;
            _nodeWeight[node] = wSum;
        }

        var splits = new SortedSet<double>[_d];
        for (int f = 0; f < _d; f++) splits[f] = [];
        for (int node = 0; node < n; node++)
            if (tree.Feature[node] >= 0) splits[tree.Feature[node]].Add(tree.Threshold[node]);
        _midpoints = new double[_d][];
        _sizes = new double[_d][];
        for (int f = 0; f < _d; f++)
        {
            var edges = new List<double> { searchSpace[f, 0] };
            edges.AddRange(splits[f]);
            edges.Add(searchSpace[f, 1]);
            _midpoints[f] = new double[edges.Count - 1];
            _sizes[f] = new double[edges.Count - 1];
            for (int k = 0; k + 1 < edges.Count; k++)
            {
                _midpoints[f][k] = 0.5 * (edges[k] + edges[k + 1]);
                _sizes[f][k] = edges[k + 1] - edges[k];
            }
        }

        _subtreeFeatures = new bool[n][];
        for (int node = n - 1; node >= 0; node--)
        {
            var active = new bool[_d];
            int f = tree.Feature[node];
            if (f >= 0)
            {
                active[f] = true;
                for (int k = 0; k < _d; k++) active[k] |= _subtreeFeatures[tree.Left[node]][k] || _subtreeFeatures[tree.Right[node]][k];
            }
            _subtreeFeatures[node] = active;
        }
        Variance = ComputeTotalVariance();
    }

    /// <summary>Volume-weighted variance of the tree's prediction over the whole search space.</summary>
    public double Variance { get; }

    private double ComputeTotalVariance()
    {
        double sw = 0, swv = 0;
        for (int node = 0; node < _tree.NodeCount; node++)
            if (_tree.Feature[node] < 0) { sw += _nodeWeight[node]; swv += _nodeWeight[node] * _nodeValue[node]; }
        double mean = swv / sw, v = 0;
        for (int node = 0; node < _tree.NodeCount; node++)
            if (_tree.Feature[node] < 0) v += _nodeWeight[node] * (_nodeValue[node] - mean) * (_nodeValue[node] - mean);
        return v / sw;
    }

    /// <summary>Variance of the marginal prediction over the given features (the columns of one parameter).</summary>
    public double MarginalVariance(int[] features)
    {
        if (features.Length == 0) throw new ArgumentException("expected at least one feature", nameof(features));
        var values = new List<double>();
        var weights = new List<double>();
        var sample = new double[_d];
        var index = new int[features.Length];
        while (true)
        {
            Array.Fill(sample, double.NaN);
            double size = 1;
            for (int k = 0; k < features.Length; k++)
            {
                sample[features[k]] = _midpoints[features[k]][index[k]];
                size *= _sizes[features[k]][index[k]];
            }
            var (value, weight) = MarginalizedStatistics(sample);
            values.Add(value);
            weights.Add(weight * size);
            // Odometer over the product of the features' intervals (last feature fastest, as itertools.product).
            int pos = features.Length - 1;
            while (pos >= 0 && ++index[pos] == _midpoints[features[pos]].Length) { index[pos] = 0; pos--; }
            if (pos < 0) break;
        }
        return WeightedVariance(values, weights);
    }

    private static double WeightedVariance(List<double> values, List<double> weights)
    {
        double sw = 0, swv = 0;
        for (int i = 0; i < values.Count; i++) { sw += weights[i]; swv += weights[i] * values[i]; }
        double mean = swv / sw, v = 0;
        for (int i = 0; i < values.Count; i++) v += weights[i] * (values[i] - mean) * (values[i] - mean);
        return Math.Max(v / sw, 0);
    }

    /// <summary>Mean prediction with the NaN features integrated out, and the volume it stands for.</summary>
    private (double Value, double Weight) MarginalizedStatistics(double[] sample)
    {
        var space = (double[,])_space.Clone();
        for (int f = 0; f < _d; f++)
            if (double.IsNaN(sample[f])) { space[f, 0] = 0; space[f, 1] = 1; }
        var stack = new Stack<(int Node, double[,] Box)>();
        stack.Push((0, space));
        double sw = 0, swv = 0;
        while (stack.Count > 0)
        {
            var (node, box) = stack.Pop();
            int f = _tree.Feature[node];
            if (f >= 0)
            {
                double response = sample[f];
                if (!double.IsNaN(response))
                {
                    bool left = response <= _tree.Threshold[node];
                    stack.Push(left ? (_tree.Left[node], Narrow(box, f, 1, _tree.Threshold[node]))
                                    : (_tree.Right[node], Narrow(box, f, 0, _tree.Threshold[node])));
                    continue;
                }
                bool activeBelow = false;
                for (int k = 0; k < _d && !activeBelow; k++) activeBelow = !double.IsNaN(sample[k]) && _subtreeFeatures[node][k];
                if (activeBelow)
                {
                    stack.Push((_tree.Left[node], box));
                    stack.Push((_tree.Right[node], box));
                    continue;
                }
            }
            double w = _nodeWeight[node] / Cardinality(box);
            sw += w;
            swv += w * _nodeValue[node];
        }
        return (swv / sw, sw);
    }

    private static double Cardinality(double[,] box)
    {
        double c = 1;
        for (int f = 0; f < box.GetLength(0); f++) c *= box[f, 1] - box[f, 0];
        return c;
    }

    private static double[,] Narrow(double[,] box, int feature, int column, double threshold)
    {
        var copy = (double[,])box.Clone();
        copy[feature, column] = threshold;
        return copy;
    }
}
