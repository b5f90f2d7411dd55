using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.BayesianOptimization;

/// <summary>
/// BoTorch's optimize_acqf: score rawSamples scrambled-Sobol batches, pick numRestarts starting batches by Boltzmann
/// sampling on the standardized scores (always keeping the best), run bounded L-BFGS from each start (restarts run
/// independently, in parallel) and return the best batch. Works in unit-cube coordinates for conditioning.
/// </summary>
public static class AcquisitionOptimizer
{
    /// <summary>Maximizes <paramref name="acquisition"/> over <paramref name="bounds"/> (like botorch.optim.optimize_acqf).</summary>
    /// <param name="acquisition">The acquisition to maximize.</param>
    /// <param name="bounds">The search box (d dimensions, as the model).</param>
    /// <param name="q">Batch size (default 1).</param>
    /// <param name="numRestarts">L-BFGS starts (default 10).</param>
    /// <param name="rawSamples">Sobol batches scored to pick the starts (default 512, ≥ numRestarts).</param>
    /// <param name="options">Further settings (null: defaults).</param>
    /// <exception cref="ArgumentNullException">acquisition or bounds is null.</exception>
    /// <exception cref="ArgumentException">The bounds' dimension differs from the acquisition's, or an option names a bad dimension.</exception>
    /// <exception cref="ArgumentOutOfRangeException">q or numRestarts &lt; 1, or rawSamples &lt; numRestarts.</exception>
    public static AcquisitionResult Optimize(AcquisitionFunction acquisition, Bounds bounds, int q = 1, int numRestarts = 10,
        int rawSamples = 512, AcquisitionOptimizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(acquisition);
        ArgumentNullException.ThrowIfNull(bounds);
        options ??= new AcquisitionOptimizerOptions();
        int d = acquisition.Dimension;
        if (bounds.Dimension != d) throw new ArgumentException($"bounds have {bounds.Dimension} dimensions, the acquisition expects {d}", nameof(bounds));
        if (q < 1) throw new ArgumentOutOfRangeException(nameof(q), q, $"expected q >= 1, got {q}");
        if (numRestarts < 1) throw new ArgumentOutOfRangeException(nameof(numRestarts), numRestarts, $"expected at least one restart, got {numRestarts}");
        if (rawSamples < numRestarts) throw new ArgumentOutOfRangeException(nameof(rawSamples), rawSamples, $"expected rawSamples >= numRestarts ({numRestarts}), got {rawSamples}");
        ValidateDimensions(options, bounds);

        if (q > 1 && options.Sequential)
        {
            var chosen = new List<double>();
            double value = double.NaN;
            for (int i = 0; i < q; i++)
            {
                var acq = i == 0 ? acquisition : acquisition.WithPending(chosen.ToArray());
                var one = OptimizeMixed(acq, bounds, 1, numRestarts, rawSamples, options with { Seed = options.Seed + (ulong)i });
                chosen.AddRange(one.Candidates);
                value = one.Value;
            }
            var all = chosen.ToArray();
            if (acquisition.MaxBatchSize >= q) value = acquisition.Evaluate(all, q);
            return new AcquisitionResult(all, q, d, value);
        }
        if (q > acquisition.MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(q), q, $"{acquisition.GetType().Name} scores at most {acquisition.MaxBatchSize} points jointly; use a Monte Carlo acquisition or Sequential = true");
        return OptimizeMixed(acquisition, bounds, q, numRestarts, rawSamples, options);
    }

    private static void ValidateDimensions(AcquisitionOptimizerOptions options, Bounds bounds)
    {
        int d = bounds.Dimension;
        foreach (var (dim, value) in options.FixedFeatures ?? new Dictionary<int, double>())
            if (dim < 0 || dim >= d || !(value >= bounds.Lower[dim] && value <= bounds.Upper[dim]))
                throw new ArgumentException($"fixed feature {dim} = {value}: expected a dimension in 0..{d - 1} and a value within its bounds", nameof(options));
        foreach (var dim in options.IntegerDimensions ?? [])
            if (dim < 0 || dim >= d || Math.Ceiling(bounds.Lower[dim]) > Math.Floor(bounds.Upper[dim]))
                throw new ArgumentException($"integer dimension {dim}: expected a dimension in 0..{d - 1} whose bounds contain an integer", nameof(options));
        foreach (var (dim, k) in options.CategoricalDimensions ?? new Dictionary<int, int>())
            if (dim < 0 || dim >= d || k < 1 || bounds.Lower[dim] > 0 || bounds.Upper[dim] < k - 1)
                throw new ArgumentException($"categorical dimension {dim} with {k} categories: expected bounds covering 0..{k - 1}", nameof(options));
    }

    /// <summary>Enumerates the categorical combinations (as extra fixed features) and keeps the best result.</summary>
    private static AcquisitionResult OptimizeMixed(AcquisitionFunction acq, Bounds bounds, int q, int numRestarts, int rawSamples, AcquisitionOptimizerOptions options)
    {
        var categorical = (options.CategoricalDimensions ?? new Dictionary<int, int>()).OrderBy(p => p.Key).ToArray();
        long combos = 1;
        foreach (var (_, k) in categorical) combos *= k;
        if (combos > options.MaxCategoricalCombinations)
            throw new ArgumentException($"categorical dimensions give {combos} combinations, expected at most {options.MaxCategoricalCombinations}", nameof(options));
        AcquisitionResult? best = null;
        for (long c = 0; c < combos; c++)
        {
            var fixedFeatures = new Dictionary<int, double>(options.FixedFeatures ?? new Dictionary<int, double>());
            long rest = c;
            foreach (var (dim, k) in categorical) { fixedFeatures[dim] = rest % k; rest /= k; }
            var result = OptimizeContinuous(acq, bounds, q, numRestarts, rawSamples, options, fixedFeatures);
            if (best is null || result.Value > best.Value) best = result;
        }
        return best!;
    }

    private static AcquisitionResult OptimizeContinuous(AcquisitionFunction acq, Bounds bounds, int q, int numRestarts, int rawSamples,
        AcquisitionOptimizerOptions options, Dictionary<int, double> fixedFeatures)
    {
        int d = bounds.Dimension, dim = q * d;
        var lo = new double[dim]; var hi = new double[dim];
        for (int j = 0; j < dim; j++)
        {
            int c = j % d;
            if (fixedFeatures.TryGetValue(c, out var v)) lo[j] = hi[j] = (v - bounds.Lower[c]) / (bounds.Upper[c] - bounds.Lower[c]);
            else { lo[j] = 0; hi[j] = 1; }
        }
        var integers = new HashSet<int>(options.IntegerDimensions ?? []);
        var scale = new double[dim]; var offset = new double[dim];
        for (int j = 0; j < dim; j++) { scale[j] = bounds.Upper[j % d] - bounds.Lower[j % d]; offset[j] = bounds.Lower[j % d]; }

        // Raw samples in the unit cube (Sobol while it has enough dimensions), snapped to fixed and integer values.
        double[] raw = dim <= SobolEngine.MaxDimension
            ? new SobolEngine(dim, scramble: true, seed: options.Seed).Draw(rawSamples)
            : UniformSamples(rawSamples, dim, options.Seed);
        var rawX = new double[raw.Length];
        for (int i = 0; i < rawSamples; i++)
            for (int j = 0; j < dim; j++)
            {
                double u = lo[j] == hi[j] ? lo[j] : raw[i * dim + j];
                double x = offset[j] + scale[j] * u;
                if (integers.Contains(j % d)) x = SnapInteger(x, bounds, j % d);
                rawX[i * dim + j] = x;
            }
        var rawValues = new double[rawSamples];
        acq.EvaluateMany(rawX, rawSamples, q, rawValues);
        var starts = BoltzmannSelect(rawValues, numRestarts, options.BoltzmannEta, new Generator(options.Seed + 7919));

        var results = new (double[] X, double Value)[starts.Length];
        Threading.For(starts.Length, r =>
        {
            var u0 = new double[dim];
            for (int j = 0; j < dim; j++) u0[j] = Math.Clamp((rawX[starts[r] * dim + j] - offset[j]) / scale[j], lo[j], hi[j]);
            var res = Climb(acq, q, u0, lo, hi, scale, offset, options.MaxIterations);
            if (integers.Count > 0)
            {
                // Round the integer coordinates, hold them, and polish the continuous ones.
                var lo2 = (double[])lo.Clone(); var hi2 = (double[])hi.Clone(); var u1 = (double[])res.X.Clone();
                for (int j = 0; j < dim; j++)
                {
                    if (!integers.Contains(j % d)) continue;
                    double snapped = SnapInteger(offset[j] + scale[j] * u1[j], bounds, j % d);
                    lo2[j] = hi2[j] = u1[j] = (snapped - offset[j]) / scale[j];
                }
                res = Climb(acq, q, u1, lo2, hi2, scale, offset, options.MaxIterations);
            }
            var x = new double[dim];
            for (int j = 0; j < dim; j++) x[j] = offset[j] + scale[j] * res.X[j];
            foreach (var j in Enumerable.Range(0, dim).Where(j => integers.Contains(j % d))) x[j] = Math.Round(x[j]);
            results[r] = (x, acq.Evaluate(x, q));
        }, options.MaxDegreeOfParallelism);
        int bestIndex = 0;
        for (int r = 1; r < results.Length; r++)
            if (results[r].Value > results[bestIndex].Value || double.IsNaN(results[bestIndex].Value)) bestIndex = r;
        return new AcquisitionResult(results[bestIndex].X, q, d, results[bestIndex].Value);
    }

    private static BoundedLbfgsResult Climb(AcquisitionFunction acq, int q, double[] u0, double[] lo, double[] hi, double[] scale, double[] offset, int maxIterations)
    {
        int dim = u0.Length;
        return new BoundedLbfgs { MaxIterations = maxIterations }.Minimize((u, grad) =>
        {
            var x = new double[dim];
            for (int j = 0; j < dim; j++) x[j] = offset[j] + scale[j] * u[j];
            var gx = new double[dim];
            double value = acq.EvaluateWithGradient(x, q, gx);
            for (int j = 0; j < dim; j++) grad[j] = -gx[j] * scale[j];
            return -value;
        }, u0, lo, hi);
    }

    private static double SnapInteger(double x, Bounds bounds, int c)
        => Math.Clamp(Math.Round(x), Math.Ceiling(bounds.Lower[c]), Math.Floor(bounds.Upper[c]));

    private static double[] UniformSamples(int n, int dim, ulong seed)
    {
        var rng = new Generator(seed);
        var result = new double[n * dim];
        for (int i = 0; i < result.Length; i++) result[i] = rng.NextDouble();
        return result;
    }

    /// <summary>
    /// BoTorch's initialize_q_batch: weights exp(eta·(v - mean)/std), numRestarts indices drawn without replacement,
    /// and the best raw sample always included. Non-finite scores get weight 0.
    /// </summary>
    internal static int[] BoltzmannSelect(double[] values, int count, double eta, Generator rng)
    {
        int n = values.Length;
        var finite = values.Where(double.IsFinite).ToArray();
        int best = -1;
        for (int i = 0; i < n; i++) if (double.IsFinite(values[i]) && (best < 0 || values[i] > values[best])) best = i;
        var weights = new double[n];
        if (finite.Length == 0) { Array.Fill(weights, 1.0); best = 0; }
        else
        {
            double mean = finite.Average();
            double std = Math.Sqrt(finite.Select(v => (v - mean) * (v - mean)).Sum() / Math.Max(finite.Length - 1, 1));
            for (int i = 0; i < n; i++)
                weights[i] = !double.IsFinite(values[i]) ? 0 : std > 0 ? Math.Exp(eta * (values[i] - mean) / std) : 1.0;
        }
        var chosen = new List<int> { best };
        weights[best] = 0;
        while (chosen.Count < count)
        {
            double total = weights.Sum();
            int pick;
            if (total <= 0) pick = Enumerable.Range(0, n).First(i => !chosen.Contains(i));
            else
            {
                double u = rng.NextDouble() * total, acc = 0;
                pick = n - 1;
                for (int i = 0; i < n; i++)
                {
                    acc += weights[i];
                    if (weights[i] > 0 && u < acc) { pick = i; break; }
                }
                while (chosen.Contains(pick)) pick = (pick + 1) % n;
            }
            chosen.Add(pick);
            weights[pick] = 0;
        }
        return chosen.ToArray();
    }
}
