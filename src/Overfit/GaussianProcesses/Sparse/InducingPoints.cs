using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>Initial inducing inputs for sparse GPs.</summary>
public static class InducingPoints
{
    /// <summary>
    /// k-means++ seeding (Arthur and Vassilvitskii 2007) of <paramref name="m"/> centers among the rows of X: the first
    /// uniformly, each next one with probability proportional to its squared distance to the nearest chosen center.
    /// O(n·m·d); seeded, so the same seed gives the same rows.
    /// </summary>
    public static double[,] KMeansPlusPlus(double[,] x, int m, ulong seed = 0)
    {
        var (data, n, d) = GpInput.Matrix(x, nameof(x));
        if (m < 1 || m > n) throw new ArgumentOutOfRangeException(nameof(m), $"m must be between 1 and the number of rows of X ({n}), got {m}");
        return GpInput.ToMatrix(KMeansPlusPlus(data, n, d, m, new Generator(seed)), m, d);
    }

    internal static double[] KMeansPlusPlus(double[] x, int n, int d, int m, Generator rng)
    {
        var centers = new double[checked(m * d)];
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        var chosen = new bool[n];
        int pick = rng.NextInt(n);
        for (int c = 0; c < m; c++)
        {
            chosen[pick] = true;
            var center = x.AsSpan(pick * d, d);
            center.CopyTo(centers.AsSpan(c * d, d));
            if (c == m - 1) break;
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) { double t = x[i * d + k] - center[k]; s += t * t; }
                if (s < nearest[i]) nearest[i] = s;
                total += nearest[i];
            }
            pick = total > 0 ? Sample(nearest, total, rng) : FirstUnchosen(chosen, rng);
        }
        return centers;
    }

    private static int Sample(double[] weights, double total, Generator rng)
    {
        double u = rng.NextDouble() * total, acc = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            acc += weights[i];
            if (u < acc && weights[i] > 0) return i;
        }
        // Round-off at the top end: the last row with weight.
        for (int i = weights.Length - 1; i >= 0; i--) if (weights[i] > 0) return i;
        return 0;
    }

    /// <summary>Every row coincides with a chosen center (fewer distinct rows than centers): any unchosen row.</summary>
    private static int FirstUnchosen(bool[] chosen, Generator rng)
    {
        int start = rng.NextInt(chosen.Length);
        for (int k = 0; k < chosen.Length; k++)
        {
            int i = (start + k) % chosen.Length;
            if (!chosen[i]) return i;
        }
        return start;
    }

}
