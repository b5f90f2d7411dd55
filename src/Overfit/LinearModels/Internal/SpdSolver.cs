using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Overfit.LinearModels.Internal;

/// <summary>Cholesky solve of a small symmetric positive-definite system with vectorized (dot-product) inner loops.</summary>
internal static class SpdSolver
{
    /// <summary>Overwrites <paramref name="a"/> with its lower factor; false when a pivot is not positive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // numeric kernel called once per fit: skip tier-0 code
    public static bool TryFactor(double[] a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            var lj = a.AsSpan(j * n, j);
            double d = a[j * n + j] - TensorPrimitives.Dot(lj, lj);
            if (!(d > 0)) return false;
            double ljj = Math.Sqrt(d);
            a[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++)
                a[i * n + j] = (a[i * n + j] - TensorPrimitives.Dot(a.AsSpan(i * n, j), lj)) / ljj;
        }
        for (int i = 0; i < n; i++) a.AsSpan(i * n + i + 1, n - i - 1).Clear();
        return true;
    }

    /// <summary>Solves L·Lᵀ·x = b in place given the lower factor.</summary>
    public static void Solve(double[] l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++) b[i] = (b[i] - TensorPrimitives.Dot(l.AsSpan(i * n, i), b[..i])) / l[i * n + i];
        for (int i = n - 1; i >= 0; i--)
        {
            b[i] /= l[i * n + i];
            if (b[i] != 0) TensorPrimitives.MultiplyAdd(l.AsSpan(i * n, i), -b[i], b[..i], b[..i]);
        }
    }
}
