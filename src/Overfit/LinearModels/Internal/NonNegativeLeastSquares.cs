using System.Numerics.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.LinearModels.Internal;

/// <summary>
/// min ||A·x − b||² subject to x ≥ 0 by Lawson and Hanson's active-set method (Solving Least Squares Problems, 1974,
/// ch. 23; what scipy.optimize.nnls runs): move the feature with the largest positive gradient into the passive set,
/// solve the unconstrained problem on that set, and step back toward the previous feasible point whenever a
/// coefficient would turn negative. Subproblems are solved by SVD (minimum norm on rank-deficient sets).
/// </summary>
internal static class NonNegativeLeastSquares
{
    /// <summary>A is m×n row-major. Throws after 3n outer iterations, scipy's default limit.</summary>
    public static double[] Solve(ReadOnlySpan<double> a, int m, int n, ReadOnlySpan<double> b)
    {
        var x = new double[n];
        var passive = new bool[n];
        var residual = b.ToArray();
        var gradient = new double[n];
        double norm1 = 0;
        for (int j = 0; j < n; j++)
        {
            double col = 0;
            for (int i = 0; i < m; i++) col += Math.Abs(a[i * n + j]);
            norm1 = Math.Max(norm1, col);
        }
        double tol = 10 * 2.220446049250313e-16 * norm1 * Math.Max(m, n);   // scipy's tolerance
        int maxIter = 3 * n;
        for (int iter = 0; ; iter++)
        {
            Gradient(a, m, n, residual, gradient);
            int best = -1;
            for (int j = 0; j < n; j++)
                if (!passive[j] && gradient[j] > tol && (best < 0 || gradient[j] > gradient[best])) best = j;
            if (best < 0) break;
            if (iter >= maxIter)
                throw new InvalidOperationException($"non-negative least squares did not converge in {maxIter} iterations (3·features)");
            passive[best] = true;
            while (true)
            {
                var z = SolvePassive(a, m, n, b, passive);
                double step = 1;
                int blocking = -1;
                for (int j = 0; j < n; j++)
                {
                    if (!passive[j] || z[j] > 0) continue;
                    double s = x[j] / (x[j] - z[j]);
                    if (s < step) { step = s; blocking = j; }
                }
                if (blocking < 0 && AllPositive(z, passive)) { Array.Copy(z, x, n); break; }
                for (int j = 0; j < n; j++)
                {
                    if (!passive[j]) continue;
                    x[j] += step * (z[j] - x[j]);
                    if (x[j] <= tol || j == blocking) { x[j] = 0; passive[j] = false; }
                }
            }
            b.CopyTo(residual);
            for (int i = 0; i < m; i++) residual[i] -= TensorPrimitives.Dot(a.Slice(i * n, n), x);
        }
        return x;
    }

    private static bool AllPositive(double[] z, bool[] passive)
    {
        for (int j = 0; j < z.Length; j++)
            if (passive[j] && !(z[j] > 0)) return false;
        return true;
    }

    /// <summary>Aᵀ·r: the negative gradient of ½||Ax − b||².</summary>
    private static void Gradient(ReadOnlySpan<double> a, int m, int n, double[] r, double[] g)
    {
        Array.Clear(g);
        for (int i = 0; i < m; i++) TensorPrimitives.MultiplyAdd(a.Slice(i * n, n), r[i], g, g);
    }

    /// <summary>Least squares on the passive columns (minimum norm), zero elsewhere.</summary>
    private static double[] SolvePassive(ReadOnlySpan<double> a, int m, int n, ReadOnlySpan<double> b, bool[] passive)
    {
        var cols = new List<int>();
        for (int j = 0; j < n; j++) if (passive[j]) cols.Add(j);
        int k = cols.Count;
        var sub = new double[m * k];
        for (int i = 0; i < m; i++)
            for (int c = 0; c < k; c++) sub[i * k + c] = a[i * n + cols[c]];
        var svd = ThinSvd.Compute(sub, m, k);
        var coords = svd.UTransposeTimes(b);
        double cutoff = svd.K == 0 ? 0 : svd.S[0] * 2.220446049250313e-16 * Math.Max(m, k);
        for (int j = 0; j < svd.K; j++) coords[j] = svd.S[j] > cutoff ? coords[j] / svd.S[j] : 0;
        var zSub = svd.VTimes(coords);
        var z = new double[n];
        for (int c = 0; c < k; c++) z[cols[c]] = zSub[c];
        return z;
    }
}
