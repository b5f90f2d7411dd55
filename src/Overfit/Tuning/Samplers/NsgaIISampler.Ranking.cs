namespace Overfit.Tuning;

public sealed partial class NsgaIISampler
{
    /// <summary>
    /// Crowding distance per member (Optuna's _calc_crowding_distance): per objective, the gap between the two
    /// neighbours in sorted order divided by the objective's finite range, summed; the extremes get infinity (their
    /// outer neighbour is ±∞), an objective with all values equal adds nothing, and ∞ − ∞ counts as 0.
    /// </summary>
    internal static double[] CrowdingDistance(IReadOnlyList<IReadOnlyList<double>> values)
    {
        int n = values.Count;
        var distance = new double[n];
        if (n == 0) return distance;
        int m = values[0].Count;
        for (int k = 0; k < m; k++)
        {
            var order = Enumerable.Range(0, n).OrderBy(i => values[i][k]).ToArray();
            if (values[order[0]][k] == values[order[^1]][k]) continue;
            var vs = new double[n + 2];
            vs[0] = double.NegativeInfinity;
            for (int i = 0; i < n; i++) vs[i + 1] = values[order[i]][k];
            vs[n + 1] = double.PositiveInfinity;
            double vMin = vs.First(v => v != double.NegativeInfinity), vMax = vs.Last(v => v != double.PositiveInfinity);
            double width = vMax - vMin;
            if (width <= 0) width = 1;
            for (int i = 0; i < n; i++)
            {
                double gap = vs[i] == vs[i + 2] ? 0 : vs[i + 2] - vs[i];
                distance[order[i]] += gap / width;
            }
        }
        return distance;
    }

    /// <summary>Constrained domination (Deb 2002): feasible beats infeasible, smaller total violation beats larger, else Pareto dominance.</summary>
    private static bool ConstrainedDominates(FrozenTrial a, FrozenTrial b, IReadOnlyList<StudyDirection> directions)
    {
        var ca = Constraints(a);
        var cb = Constraints(b);
        if (ca is null && cb is null) return ParetoFront.Dominates(a.Values!, b.Values!, directions);
        if (cb is null) return true;
        if (ca is null) return false;
        if (ca.Length != cb.Length) throw new InvalidOperationException($"trials {a.Number} and {b.Number} have {ca.Length} and {cb.Length} constraint values");
        if (a.State != TrialState.Complete) return false;
        if (b.State != TrialState.Complete) return true;
        bool feasibleA = ca.All(v => v <= 0), feasibleB = cb.All(v => v <= 0);
        if (feasibleA && feasibleB) return ParetoFront.Dominates(a.Values!, b.Values!, directions);
        if (feasibleA) return true;
        if (feasibleB) return false;
        return ca.Where(v => v > 0).Sum() < cb.Where(v => v > 0).Sum();
    }

    private static double[]? Constraints(FrozenTrial t) => TrialConstraints.Read(t);
}
