using System.Runtime.CompilerServices;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// GP-side helpers over the one linear-algebra home (<see cref="DenseLinalg"/>): the jitter-ladder entry, the gradient
/// weights from K⁻¹ and the message for a kernel matrix that cannot be factored.
/// </summary>
internal static class GpLinalg
{
    /// <summary>
    /// <see cref="DenseLinalg.TryPsdSafeCholesky"/>: factors <paramref name="k"/> into <paramref name="l"/> with the one
    /// jitter ladder; returns the jitter used (0 when none was needed) or NaN when the ladder ran out.
    /// </summary>
    public static double CholeskyWithJitter(ReadOnlySpan<double> k, int n, Span<double> l) => DenseLinalg.TryPsdSafeCholesky(k[..(n * n)], n, l);

    /// <summary>
    /// Turns the lower triangle of K⁻¹ (in <paramref name="w"/>) into the full symmetric W = ½(ααᵀ − K⁻¹), in 64×64
    /// tiles so the mirrored (strided) side stays in cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightsFromInverse(Span<double> w, ReadOnlySpan<double> a, int n)
    {
        const int tile = 64;
        for (int i0 = 0; i0 < n; i0 += tile)
        {
            int iEnd = Math.Min(i0 + tile, n);
            for (int j0 = 0; j0 <= i0; j0 += tile)
            {
                int jEnd = Math.Min(j0 + tile, n);
                for (int i = i0; i < iEnd; i++)
                {
                    double ai = 0.5 * a[i];
                    int last = Math.Min(jEnd, i + 1);
                    var row = w.Slice(i * n + j0, last - j0);
                    for (int j = 0; j < row.Length; j++)
                    {
                        double v = ai * a[j0 + j] - 0.5 * row[j];
                        row[j] = v;
                        w[(j0 + j) * n + i] = v;
                    }
                }
            }
        }
    }

    public static string CholeskyFailureMessage(int n) =>
        $"the {n}×{n} kernel matrix is not positive definite even with jitter up to 1e-4·mean(diag); " +
        "increase alpha (observation noise), add a WhiteKernel, remove duplicated inputs or bound the length scales away from extreme values";
}
