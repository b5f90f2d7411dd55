using Overfit.Tensors.Kernels;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.GaussianProcesses;

public abstract partial class StationaryKernel
{
    /// <summary>
    /// Lower triangle only (what the Cholesky reads): row i holds the i + 1 pairs j ≤ i, contiguous, so there is no
    /// mirror pass. r² is accumulated over all dimensions in registers (one pass over the row instead of two per
    /// dimension), then turned into kernel values in place. Rows go to the cores in chunks of equal pair counts.
    /// </summary>
    internal override unsafe void EvaluateLowerTriangle(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        ExactInference.RequireLength(k.Length, (long)n * n, nameof(k));
        var xt = ScaledTransposed(x, n, d);
        fixed (double* kp = k)
        fixed (double* xp = xt)
        {
            double* kptr = kp, xtp = xp;
            PairParallel.For(n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (_, start, end) =>
            {
                var point = stackalloc double[d];
                // Upper-triangle row u owns n − u pairs, like lower row n − 1 − u: the same balanced chunks.
                for (int u = start; u < end; u++)
                {
                    int i = n - 1 - u;
                    for (int c = 0; c < d; c++) point[c] = xtp[(nint)c * n + i];
                    double* row = kptr + (nint)i * n;
                    SquaredDistancesToPoint(xtp, n, d, point, row, i + 1);
                    var span = new Span<double>(row, i + 1);
                    span[i] = 0;
                    ValuesFromSquaredDistances(span);
                }
            });
        }
    }

    /// <summary>r²[j] = Σ_c (xt[c, j] − point[c])² for j &lt; count, all dimensions per vector of columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SquaredDistancesToPoint(double* xt, int n, int d, double* point, double* r2, int count)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated) j = SquaredDistanceVectors<Vector512<double>, Lanes512<double>>(xt, n, d, point, r2, count, j);
        if (Vector256.IsHardwareAccelerated) j = SquaredDistanceVectors<Vector256<double>, Width256<double>>(xt, n, d, point, r2, count, j);
        for (; j < count; j++)
        {
            double s = 0;
            for (int c = 0; c < d; c++) { double t = xt[(nint)c * n + j] - point[c]; s = Math.FusedMultiplyAdd(t, t, s); }
            r2[j] = s;
        }
    }

    /// <summary>
    /// The vector part of <see cref="SquaredDistancesToPoint"/> from column <paramref name="j"/>, two vectors of the width
    /// <typeparamref name="TW"/> at a time (written once over the width); returns the first column it left.
    /// t = col − p is formed as fma(−1, p, col), which rounds the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int SquaredDistanceVectors<TV, TW>(double* xt, int n, int d, double* point, double* r2, int count, int j)
        where TV : struct where TW : IVectorWidth<TV, double>
    {
        int w = TW.Count;
        var minusOne = TW.Broadcast(-1.0);
        for (; j <= count - 2 * w; j += 2 * w)
        {
            TV acc0 = default, acc1 = default;
            for (int c = 0; c < d; c++)
            {
                var p = TW.Broadcast(point[c]);
                double* col = xt + (nint)c * n + j;
                var t0 = TW.MultiplyAddEstimate(minusOne, p, TW.Load(col));
                var t1 = TW.MultiplyAddEstimate(minusOne, p, TW.Load(col + w));
                acc0 = TW.MultiplyAddEstimate(t0, t0, acc0);
                acc1 = TW.MultiplyAddEstimate(t1, t1, acc1);
            }
            TW.Store(acc0, r2 + j);
            TW.Store(acc1, r2 + j + w);
        }
        return j;
    }
}
