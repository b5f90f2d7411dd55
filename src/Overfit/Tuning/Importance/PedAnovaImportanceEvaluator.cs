using Overfit.BayesianOptimization;

namespace Overfit.Tuning;

/// <summary>
/// PED-ANOVA importances (Watanabe, Bansal and Hutter, IJCAI 2023; Optuna 3.6's PedAnovaImportanceEvaluator): the
/// trials in the top <c>baselineQuantile</c> (at least two) are compared with all trials, per parameter, through
/// Parzen estimates on a grid (50 points for floats, linear or log; ⌈log₂(range + 1)⌉ log-spaced points, at most
/// 50, for log integers; every step value for other integers (50 points beyond a million); one cell per choice for categoricals) with Scott's
/// bandwidth and a prior component; the importance is the Pearson divergence Σ p_all (p_top / p_all − 1)², normalized
/// to sum 1 (equal shares when every trial is in the top). With <c>evaluateOnLocal</c> false the reference density is
/// uniform over the grid (importance over the whole search space rather than where the search went). With a target,
/// lower target values count as better, as in Optuna.
/// </summary>
public sealed class PedAnovaImportanceEvaluator : IImportanceEvaluator
{
    private const int MaxSteps = 50;
    private const int MinTopTrials = 2;
    private const double PriorWeight = 1.0;

    /// <summary>PED-ANOVA importances (like optuna.importance.PedAnovaImportanceEvaluator).</summary>
    /// <param name="baselineQuantile">Fraction of the best trials that form the top set, in [0, 1] (default 0.1).</param>
    /// <param name="evaluateOnLocal">Compare against the density of all trials (true) or a uniform density over the space.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baselineQuantile"/> is outside [0, 1].</exception>
    public PedAnovaImportanceEvaluator(double baselineQuantile = 0.1, bool evaluateOnLocal = true)
    {
        if (!(baselineQuantile >= 0 && baselineQuantile <= 1))
            throw new ArgumentOutOfRangeException(nameof(baselineQuantile), baselineQuantile, "expected a quantile in [0, 1]");
        BaselineQuantile = baselineQuantile;
        EvaluateOnLocal = evaluateOnLocal;
    }

    /// <summary>Fraction of the best trials that form the top set.</summary>
    public double BaselineQuantile { get; }
    /// <summary>Whether the reference density is that of all trials (true) or uniform.</summary>
    public bool EvaluateOnLocal { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? @params = null, Func<FrozenTrial, double>? target = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        var distributions = Importance.Distributions(study, @params, target);
        var varying = distributions.Where(p => !p.Value.Single).ToList();
        if (varying.Count == 0) return Importance.Sorted([]);
        var trials = Importance.FilteredTrials(study, distributions.Keys, target);
        if (trials.Count < MinTopTrials)
            throw new ArgumentException($"PED-ANOVA needs at least {MinTopTrials} completed trials with finite values, got {trials.Count}", nameof(study));
        bool lowerIsBetter = target is not null || study.Directions[0] == StudyDirection.Minimize;
        var top = TopTrials(trials, target, lowerIsBetter);
        var divergences = varying.Select(p => (p.Key, Value: PearsonDivergence(p.Key, p.Value, top, trials))).ToList();
        double sum = divergences.Sum(p => p.Value);
        var result = divergences.Select(p => (p.Key, sum > 0 ? p.Value / sum : 1.0 / divergences.Count))
            .Concat(distributions.Where(p => p.Value.Single).Select(p => (p.Key, 0.0)));
        return Importance.Sorted(result);
    }

    /// <summary>Trials at or below max(second best, the "higher" empirical quantile) of the (sign-adjusted) targets.</summary>
    private List<FrozenTrial> TopTrials(List<FrozenTrial> trials, Func<FrozenTrial, double>? target, bool lowerIsBetter)
    {
        var values = trials.Select(t => (lowerIsBetter ? 1 : -1) * Importance.TargetValue(t, target)).ToArray();
        var sorted = values.Order().ToArray();
        double kth = sorted[MinTopTrials - 1];
        double q = sorted[(int)Math.Ceiling(BaselineQuantile * (sorted.Length - 1))];
        double cutoff = Math.Max(kth, q);
        return trials.Where((t, i) => values[i] <= cutoff).ToList();
    }

    private double PearsonDivergence(string name, Distribution distribution, List<FrozenTrial> top, List<FrozenTrial> all)
    {
        var topCounts = Counts(name, distribution, top);
        var pdfTop = GridPdf(distribution, topCounts);
        double[] pdfLocal;
        if (EvaluateOnLocal) pdfLocal = GridPdf(distribution, Counts(name, distribution, all));
        else { pdfLocal = new double[pdfTop.Length]; Array.Fill(pdfLocal, 1.0 / pdfTop.Length); }
        double divergence = 0;
        for (int g = 0; g < pdfTop.Length; g++)
        {
            double pt = pdfTop[g] + 1e-12, pl = EvaluateOnLocal ? pdfLocal[g] + 1e-12 : pdfLocal[g];
            double r = pt / pl - 1;
            divergence += pl * r * r;
        }
        return divergence;
    }

    /// <summary>How many trials fall in each grid cell (numerical) or choice (categorical).</summary>
    internal static double[] Counts(string name, Distribution distribution, IReadOnlyList<FrozenTrial> trials)
    {
        if (distribution is CategoricalDistribution c)
        {
            var counts = new double[c.Choices.Count];
            foreach (var t in trials) counts[(int)t.InternalParams[name]] += 1;
            return counts;
        }
        var (low, high, log) = distribution switch
        {
            FloatDistribution f => (f.Low, f.High, f.Log),
            IntDistribution d => ((double)d.Low, (double)d.High, d.Log),
            _ => throw new NotSupportedException($"PED-ANOVA cannot score {distribution.GetType().Name}"),
        };
        double[] grid;
        if (distribution is IntDistribution { Log: false } id && ((long)id.High - id.Low) / id.Step < 1_000_000)
            grid = Enumerable.Range(0, (id.High - id.Low) / id.Step + 1).Select(k => (double)(id.Low + k * id.Step)).ToArray();   // every step value
        else
        {
            int nSteps = distribution is IntDistribution { Log: true } ? Math.Clamp((int)Math.Ceiling(Math.Log2(high - low + 1)), 2, MaxSteps) : MaxSteps;
            double lo = log ? Math.Log(low) : low, hi = log ? Math.Log(high) : high;
            grid = new double[nSteps];
            for (int g = 0; g < nSteps; g++) grid[g] = lo + (hi - lo) * g / (nSteps - 1);
            grid[^1] = hi;
        }
        int nCells = grid.Length;
        double half = 0.5 * (grid[1] - grid[0]);
        var result = new double[nCells];
        foreach (var t in trials)
        {
            double v = t.InternalParams[name];
            if (log) v = Math.Log(v);
            // First cell whose grid point is at or above v − half a cell: the nearest grid point.
            int index = Array.BinarySearch(grid, v - half);
            if (index < 0) index = ~index;
            else while (index > 0 && grid[index - 1] == grid[index]) index--;
            result[Math.Min(index, nCells - 1)] += 1;
        }
        return result;
    }

    /// <summary>The Parzen estimate on the grid cells 0..n−1 from their counts (Optuna 3.6's _ScottParzenEstimator).</summary>
    internal static double[] GridPdf(Distribution distribution, double[] counts)
    {
        int n = counts.Length;
        var observed = Enumerable.Range(0, n).Where(g => counts[g] > 0).ToArray();
        double total = counts.Sum();
        var mixture = observed.Select(g => counts[g]).Append(PriorWeight).ToArray();
        double mixtureSum = mixture.Sum();
        for (int k = 0; k < mixture.Length; k++) mixture[k] /= mixtureSum;
        var pdf = new double[n];
        if (distribution is CategoricalDistribution)
        {
            // Each observed choice: a one-hot row smoothed by priorWeight / kernels; the prior row is uniform.
            int kernels = observed.Length + 1;
            double fill = PriorWeight / kernels;
            for (int k = 0; k < observed.Length; k++)
                for (int g = 0; g < n; g++) pdf[g] += mixture[k] * ((g == observed[k] ? 1 : 0) + fill) / (1 + n * fill);
            for (int g = 0; g < n; g++) pdf[g] += mixture[^1] / n;
            return pdf;
        }
        // Scott's rule on the cell indices, floored so that ±1.64σ covers a cell.
        double mean = 0;
        foreach (int g in observed) mean += g * counts[g] / total;
        double ss = 0;
        foreach (int g in observed) ss += (g - mean) * (g - mean) * counts[g];
        double sigma = Math.Sqrt(ss / Math.Max(1, total - 1));
        var cumulative = new double[observed.Length];
        double run = 0;
        for (int k = 0; k < observed.Length; k++) { run += counts[observed[k]]; cumulative[k] = run; }
        int q25 = SearchSorted(cumulative, Math.Floor(total / 4), right: false);
        int q75 = SearchSorted(cumulative, Math.Floor(total * 3 / 4), right: true);
        double iqr = observed[Math.Min(observed.Length - 1, q75)] - observed[Math.Min(observed.Length - 1, q25)];
        sigma = 1.059 * Math.Min(iqr / 1.34, sigma) * Math.Pow(total, -0.2);
        sigma = Math.Max(sigma, 0.5 / 1.64);
        var mus = observed.Select(g => (double)g).Append(0.5 * (n - 1)).ToArray();
        var sigmas = observed.Select(_ => sigma).Append((double)n).ToArray();
        for (int k = 0; k < mus.Length; k++)
        {
            double mu = mus[k], s = sigmas[k];
            double z = NormalMath.Cdf((n - 0.5 - mu) / s) - NormalMath.Cdf((-0.5 - mu) / s);
            for (int g = 0; g < n; g++)
                pdf[g] += mixture[k] * (NormalMath.Cdf((g + 0.5 - mu) / s) - NormalMath.Cdf((g - 0.5 - mu) / s)) / z;
        }
        return pdf;
    }

    private static int SearchSorted(double[] sorted, double value, bool right)
    {
        int i = 0;
        while (i < sorted.Length && (right ? sorted[i] <= value : sorted[i] < value)) i++;
        return i;
    }
}
