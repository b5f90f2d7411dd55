namespace Overfit.Tuning;

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
