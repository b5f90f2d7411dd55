namespace Overfit.Tuning;

/// <summary>
/// How multi-objective TPE picks its "below" set (Optuna 3.1): whole non-domination ranks while they fit, then a greedy
/// hypervolume subset of the next rank; "below" observations are weighted by their hypervolume contribution.
/// Scores are minimized (maximized objectives arrive negated).
/// </summary>
internal static class MultiObjectiveSplit
{
    /// <summary>Optuna's EPS: the smallest hypervolume contribution, and the weight of an infeasible "below" member.</summary>
    public const double Eps = 1e-12;

    public static int[] Below(double[][] scores, int nBelow)
    {
        var ranks = ParetoRanks.Of(scores);
        var below = new List<int>(nBelow);
        int rank = 0;
        while (below.Count < nBelow)
        {
            var members = Enumerable.Range(0, scores.Length).Where(i => ranks[i] == rank).ToArray();
            if (members.Length == 0) break;
            if (below.Count + members.Length <= nBelow) below.AddRange(members);
            else
            {
                var points = members.Select(i => scores[i]).ToArray();
                below.AddRange(SolveHssp(points, members, nBelow - below.Count, ReferencePoint(points)));
            }
            rank++;
        }
        return below.ToArray();
    }

    public static double[] BelowWeights(double[][] below)
    {
        int n = below.Length;
        if (n == 0) return [];
        if (n == 1) return [1.0];
        var reference = ReferencePoint(below);
        double hv = Hypervolume.Compute(below, reference);
        var contributions = new double[n];
        for (int i = 0; i < n; i++)
            contributions[i] = hv - Hypervolume.Compute(below.Where((_, k) => k != i).ToArray(), reference) + Eps;
        double max = contributions.Max();
        return contributions.Select(c => Math.Clamp(c / max, 0, 1)).ToArray();
    }

    /// <summary>max(1.1·worst, 0.9·worst) per objective, zeros replaced by a tiny positive number (Optuna's rule).</summary>
    private static double[] ReferencePoint(double[][] points)
    {
        int d = points[0].Length;
        var r = new double[d];
        for (int k = 0; k < d; k++)
        {
            double worst = points.Max(p => p[k]);
            r[k] = Math.Max(1.1 * worst, 0.9 * worst);
            if (r[k] == 0) r[k] = Eps;
        }
        return r;
    }

    /// <summary>Greedy hypervolume subset selection (a 1 − 1/e approximation), as Optuna's _solve_hssp.</summary>
    private static int[] SolveHssp(double[][] points, int[] indices, int subsetSize, double[] reference)
    {
        var contributions = points.Select(p => Hypervolume.Compute([p], reference)).ToArray();
        var selectedPoints = new List<double[]>();
        var selected = new List<int>();
        double hvSelected = 0;
        while (selected.Count < subsetSize)
        {
            int max = 0;
            for (int i = 1; i < contributions.Length; i++) if (contributions[i] > contributions[max]) max = i;
            contributions[max] = -1;
            var chosen = points[max];
            for (int j = 0; j < points.Length; j++)
            {
                if (contributions[j] == -1) continue;
                var p = chosen.Zip(points[j], Math.Max).ToArray();
                contributions[j] -= Hypervolume.Compute([.. selectedPoints, p], reference) - hvSelected;
            }
            selectedPoints.Add(chosen);
            selected.Add(indices[max]);
            hvSelected = Hypervolume.Compute(selectedPoints.ToArray(), reference);
        }
        return selected.ToArray();
    }
}
