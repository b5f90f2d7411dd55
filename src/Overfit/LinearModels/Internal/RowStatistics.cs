using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Overfit.Tensors.Kernels;

namespace Overfit.LinearModels.Internal;

/// <summary>
/// The per-column statistics of one pass over the rows of X: Σx, Σx² (only when centering), Xᵀ(y − ȳ) and ||y − ȳ||².
/// Large inputs are split into one block of rows per core (as many as <see cref="Gemm.MaxThreads"/> allows) whose
/// partial sums are added at the end: the pass is memory-bound, so a second core nearly halves it.
/// </summary>
internal static class RowStatistics
{
    /// <summary>Below this many values of X one thread reads them faster than two can be started.</summary>
    private const long ParallelValues = 1L << 18;

    /// <summary>Fills <paramref name="sum"/>, <paramref name="sumSq"/> (both ignored unless <paramref name="center"/>) and
    /// <paramref name="xty"/>; returns ||y − ȳ||².</summary>
    public static unsafe double Accumulate(ReadOnlySpan<double> x, int n, int p, ReadOnlySpan<double> y, double yMean, bool center,
        Span<double> sum, Span<double> sumSq, Span<double> xty)
    {
        if (x.Length < (long)n * p || y.Length < n || xty.Length < p || (center && (sum.Length < p || sumSq.Length < p)))
            throw new ArgumentException($"RowStatistics: operands too short for {n}×{p}");
        int threads = Threading.Effective;
        if ((long)n * p < ParallelValues || n < 2 * threads) threads = 1;
        int width = center ? 3 * p : p;   // a partial result: [Σx | Σx² |] Xᵀyc
        var partials = new double[threads * width];
        var yNorm2 = new double[threads];
        fixed (double* px = x, py = y, pr = partials, pn = yNorm2)
        {
            nint ax = (nint)px, ay = (nint)py, ar = (nint)pr, an = (nint)pn;
            if (threads == 1) pn[0] = Rows((double*)ax, 0, n, p, (double*)ay, yMean, center, pr, width);
            else
                Threading.For(threads, t =>
                {
                    int r0 = (int)((long)n * t / threads), r1 = (int)((long)n * (t + 1) / threads);
                    ((double*)an)[t] = Rows((double*)ax, r0, r1, p, (double*)ay, yMean, center, (double*)ar + (nint)t * width, width);
                });
        }
        for (int t = 1; t < threads; t++)
        {
            var part = partials.AsSpan(t * width, width);
            var first = partials.AsSpan(0, width);
            for (int j = 0; j < width; j++) first[j] += part[j];
            yNorm2[0] += yNorm2[t];
        }
        if (center)
        {
            partials.AsSpan(0, p).CopyTo(sum);
            partials.AsSpan(p, p).CopyTo(sumSq);
            partials.AsSpan(2 * p, p).CopyTo(xty);
        }
        else partials.AsSpan(0, p).CopyTo(xty);
        return yNorm2[0];
    }

    /// <summary>Rows [r0, r1) into acc = [Σx | Σx² |] Xᵀyc (zeroed here); returns Σ yc².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // runs once per fit: skip tier-0 code
    private static unsafe double Rows(double* x, int r0, int r1, int p, double* y, double yMean, bool center, double* acc, int width)
    {
        new Span<double>(acc, width).Clear();
        double* s = acc, sq = acc + p, xy = center ? acc + 2 * p : acc;
        double yy = 0;
        for (int i = r0; i < r1; i++)
        {
            double* row = x + (nint)i * p;
            double yc = y[i] - yMean;
            yy += yc * yc;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var vy = Vector512.Create(yc);
                for (; j <= p - 8; j += 8)
                {
                    var v = Vector512.Load(row + j);
                    Vector512.FusedMultiplyAdd(v, vy, Vector512.Load(xy + j)).Store(xy + j);
                    if (!center) continue;
                    (Vector512.Load(s + j) + v).Store(s + j);
                    Vector512.FusedMultiplyAdd(v, v, Vector512.Load(sq + j)).Store(sq + j);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var vy = Vector256.Create(yc);
                for (; j <= p - 4; j += 4)
                {
                    var v = Vector256.Load(row + j);
                    Vector256.FusedMultiplyAdd(v, vy, Vector256.Load(xy + j)).Store(xy + j);
                    if (!center) continue;
                    (Vector256.Load(s + j) + v).Store(s + j);
                    Vector256.FusedMultiplyAdd(v, v, Vector256.Load(sq + j)).Store(sq + j);
                }
            }
            for (; j < p; j++)
            {
                double v = row[j];
                xy[j] = Math.FusedMultiplyAdd(v, yc, xy[j]);
                if (!center) continue;
                s[j] += v;
                sq[j] = Math.FusedMultiplyAdd(v, v, sq[j]);
            }
        }
        return yy;
    }
}
