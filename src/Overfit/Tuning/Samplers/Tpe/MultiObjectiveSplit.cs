namespace Overfit.Tuning;

/// <summary>
/// How multi-objective TPE picks its "below" set (Optuna 3.1): whole non-domination ranks while they fit, then a greedy
/// hypervolume subset of the next rank; "below" observations are weighted by their hypervolume contribution.
/// Scores are minimized (maximized objectives arrive negated).
/// </summary>
internal static class MultiObjectiveSplit
{
    private const double Eps = 1e-12;

    public static int[] Below(double[][] scores, int nBelow)
    {
        var ranks = NondominationRanks(scores);
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

    internal static int[] NondominationRanks(double[][] scores)
    {
        int n = scores.Length;
        var ranks = Enumerable.Repeat(-1, n).ToArray();
        int unranked = n, rank = 0;
        while (unranked > 0)
        {
            var current = new List<int>();
            for (int i = 0; i < n; i++)
            {
                if (ranks[i] != -1) continue;
                bool dominated = false;
                for (int j = 0; j < n && !dominated; j++)
                    if (ranks[j] == -1 && Dominates(scores[j], scores[i])) dominated = true;
                if (!dominated) current.Add(i);
            }
            foreach (int i in current) ranks[i] = rank;
            unranked -= current.Count;
            rank++;
        }
        return ranks;
    }

    private static bool Dominates(double[] a, double[] b)
    {
        bool better = false;
        for (int k = 0; k < a.Length; k++)
        {
            if (a[k] > b[k]) return false;
            if (a[k] < b[k]) better = true;
        }
        return better;
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

/// <summary>Hypervolume dominated by a set of points (minimization) up to a reference point.</summary>
public static class Hypervolume
{
    /// <summary>Exact hypervolume by recursive slicing along the last objective; fine for the tens of points TPE and Pareto reports use.</summary>
    public static double Compute(IReadOnlyList<double[]> points, double[] reference)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(reference);
        var inside = points.Where(p => p.Length == reference.Length ? Enumerable.Range(0, p.Length).All(k => p[k] < reference[k])
            : throw new ArgumentException($"points must have {reference.Length} objectives, got {p.Length}", nameof(points))).ToList();
        return Slice(inside, reference, reference.Length);
    }

    private static double Slice(List<double[]> points, double[] reference, int d)
    {
        if (points.Count == 0) return 0;
        if (d == 1) return reference[0] - points.Min(p => p[0]);
        if (d == 2)
        {
            var sorted = points.OrderBy(p => p[0]).ThenBy(p => p[1]).ToList();
            double area = 0, bestY = reference[1];
            foreach (var p in sorted)
                if (p[1] < bestY) { area += (reference[0] - p[0]) * (bestY - p[1]); bestY = p[1]; }
            return area;
        }
        var byLast = points.OrderBy(p => p[d - 1]).ToList();
        double volume = 0;
        for (int i = 0; i < byLast.Count; i++)
        {
            double top = i + 1 < byLast.Count ? byLast[i + 1][d - 1] : reference[d - 1];
            double height = top - byLast[i][d - 1];
            if (height <= 0) continue;
            volume += height * Slice(byLast.Take(i + 1).ToList(), reference, d - 1);
        }
        return volume;
    }
}
