using Overfit.BayesianOptimization;

namespace Overfit.Tuning;

/// <summary>
/// Prunes a trial whose intermediate values (e.g. per-fold or per-instance scores, by step) are significantly worse than
/// the best trial's at the same steps by a one-sided Wilcoxon signed-rank test (Optuna's WilcoxonPruner, added in 3.6:
/// p_threshold 0.1, n_startup_steps 2, zero differences split between the signs). A trial whose average is better
/// than the best trial's is never pruned. The p-value is exact for up to 50 differences without zeros, otherwise the
/// normal approximation with the tie correction (SciPy's wilcoxon defaults).
/// </summary>
public sealed class WilcoxonPruner : IPruner
{
    private readonly double _pThreshold;
    private readonly int _nStartupSteps;

    /// <summary>Wilcoxon signed-rank pruner (like optuna.pruners.WilcoxonPruner).</summary>
    /// <param name="pThreshold">p-value below which the trial is pruned, in [0, 1] (default 0.1).</param>
    /// <param name="nStartupSteps">Steps compared before pruning starts (default 2).</param>
    /// <exception cref="ArgumentOutOfRangeException">pThreshold is outside [0, 1] or nStartupSteps is negative.</exception>
    public WilcoxonPruner(double pThreshold = 0.1, int nStartupSteps = 2)
    {
        if (!(pThreshold >= 0 && pThreshold <= 1)) throw new ArgumentOutOfRangeException(nameof(pThreshold), pThreshold, $"pThreshold must be in [0, 1], got {pThreshold}");
        if (nStartupSteps < 0) throw new ArgumentOutOfRangeException(nameof(nStartupSteps), nStartupSteps, $"nStartupSteps must be >= 0, got {nStartupSteps}");
        (_pThreshold, _nStartupSteps) = (pThreshold, nStartupSteps);
    }

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        if (study.IsMultiObjective) throw new NotSupportedException("WilcoxonPruner supports single-objective studies only");
        if (trial.IntermediateValues.Count <= _nStartupSteps) return false;
        var best = study.BestTrialOrNull();
        if (best is null) return false;
        var diffs = new List<double>();
        double sumCurrent = 0, sumBest = 0;
        foreach (var (step, v) in trial.IntermediateValues)
        {
            sumCurrent += v;
            if (best.IntermediateValues.TryGetValue(step, out double b)) diffs.Add(v - b);
        }
        foreach (double b in best.IntermediateValues.Values) sumBest += b;
        if (diffs.Count < _nStartupSteps || diffs.Count == 0) return false;
        bool maximize = study.Direction == StudyDirection.Maximize;
        double meanCurrent = sumCurrent / trial.IntermediateValues.Count, meanBest = sumBest / best.IntermediateValues.Count;
        bool averageIsBest = maximize ? meanBest <= meanCurrent : meanBest >= meanCurrent;
        double p = SignedRankPValue(diffs.ToArray(), greater: !maximize);
        return p < _pThreshold && !averageIsBest;
    }

    /// <summary>One-sided p-value of the signed-rank statistic r⁺: P(R⁺ ≥ r⁺) for "greater", P(R⁺ ≤ r⁺) for "less".</summary>
    internal static double SignedRankPValue(double[] d, bool greater)
    {
        int n = d.Length;
        var ranks = AverageRanks(d.Select(Math.Abs).ToArray());
        double rPlus = 0, rZero = 0;
        for (int i = 0; i < n; i++)
        {
            if (d[i] > 0) rPlus += ranks[i];
            else if (d[i] == 0) rZero += ranks[i];
        }
        rPlus += rZero / 2;
        bool zeros = d.Any(v => v == 0);
        if (n <= 50 && !zeros)
        {
            var pmf = ExactDistribution(n);
            int r = (int)rPlus;
            double p = 0;
            if (greater) for (int k = r; k < pmf.Length; k++) p += pmf[k];
            else for (int k = 0; k <= r; k++) p += pmf[k];
            return Math.Min(p, 1.0);
        }
        double mean = n * (n + 1) * 0.25;
        double variance = n * (n + 1.0) * (2 * n + 1);
        foreach (var g in ranks.GroupBy(r => r).Where(g => g.Count() > 1))
        {
            double t = g.Count();
            variance -= 0.5 * t * (t * t - 1);
        }
        double z = (rPlus - mean) / Math.Sqrt(variance / 24);
        return greater ? NormalMath.Cdf(-z) : NormalMath.Cdf(z);
    }

    /// <summary>Probability of each rank sum 0..n(n+1)/2 when every rank's sign is a fair coin.</summary>
    private static double[] ExactDistribution(int n)
    {
        int max = n * (n + 1) / 2;
        var counts = new double[max + 1];
        counts[0] = 1;
        for (int k = 1; k <= n; k++)
            for (int s = max; s >= k; s--) counts[s] += counts[s - k];
        double total = Math.Pow(2, n);
        return counts.Select(c => c / total).ToArray();
    }

    private static double[] AverageRanks(double[] v)
    {
        var order = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = avg;
            i = j + 1;
        }
        return ranks;
    }
}
