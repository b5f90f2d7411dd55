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
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= count - 16; j += 16)
            {
                var acc0 = Vector512<double>.Zero;
                var acc1 = Vector512<double>.Zero;
                for (int c = 0; c < d; c++)
                {
                    var p = Vector512.Create(point[c]);
                    double* col = xt + (nint)c * n + j;
                    var t0 = Vector512.Load(col) - p;
                    var t1 = Vector512.Load(col + 8) - p;
                    acc0 = Vector512.FusedMultiplyAdd(t0, t0, acc0);
                    acc1 = Vector512.FusedMultiplyAdd(t1, t1, acc1);
                }
                acc0.Store(r2 + j);
                acc1.Store(r2 + j + 8);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= count - 8; j += 8)
            {
                var acc0 = Vector256<double>.Zero;
                var acc1 = Vector256<double>.Zero;
                for (int c = 0; c < d; c++)
                {
                    var p = Vector256.Create(point[c]);
                    double* col = xt + (nint)c * n + j;
                    var t0 = Vector256.Load(col) - p;
                    var t1 = Vector256.Load(col + 4) - p;
                    acc0 = Vector256.FusedMultiplyAdd(t0, t0, acc0);
                    acc1 = Vector256.FusedMultiplyAdd(t1, t1, acc1);
                }
                acc0.Store(r2 + j);
                acc1.Store(r2 + j + 4);
            }
        }
        for (; j < count; j++)
        {
            double s = 0;
            for (int c = 0; c < d; c++) { double t = xt[(nint)c * n + j] - point[c]; s = Math.FusedMultiplyAdd(t, t, s); }
            r2[j] = s;
        }
    }
}
