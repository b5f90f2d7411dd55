using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.LinearModels.Internal;

internal static partial class CoordinateDescent
{
    /// <summary>
    /// Covariance form: works on Q = XᵀX and q = Xᵀy only (p² per sweep at most instead of n·p), keeping H = Q·w current.
    /// A coordinate that stays at zero costs O(1); one that moves costs one axpy of its Gram column (Q is symmetric, so
    /// row j is column j and is read contiguously). <paramref name="scratch"/> holds 3p values (diagonal, H, Xᵀ(y − Xw)),
    /// so a path of many alphas allocates nothing per solve.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // numeric kernel: skip tier-0 code
    public static unsafe CdOutcome SolveGram(Span<double> w, ReadOnlySpan<double> gram, ReadOnlySpan<double> xty, double yNorm2, int p,
        double l1, double l2, int maxIter, double tol, bool positive, Span<double> scratch, Overfit.Tensors.Generator? random = null)
    {
        if (gram.Length < (long)p * p || xty.Length < p || w.Length < p || scratch.Length < 3 * p)
            throw new ArgumentException($"SolveGram: operands too short for p = {p}");
        var diag = scratch.Slice(0, p);
        var h = scratch.Slice(p, p);
        var xta = scratch.Slice(2 * p, p);
        h.Clear();
        double dwTol = tol;
        tol *= yNorm2;
        double gap = tol + 1;
        int iter;
        bool converged = false;
        fixed (double* q = gram, b = xty, wp = w, hp = h, dp = diag)
        {
            for (int j = 0; j < p; j++)
            {
                dp[j] = q[(nint)j * p + j];
                if (wp[j] != 0) Axpy(q + (nint)j * p, wp[j], hp, p);
            }
            for (iter = 0; iter < maxIter; iter++)
            {
                double wMax = 0, dwMax = 0;
                for (int f = 0; f < p; f++)
                {
                    int j = random is null ? f : random.NextInt(p);
                    double qjj = dp[j];
                    if (qjj == 0) continue;
                    double wj = wp[j];
                    // H without coordinate j's own contribution, then one rank-1 update by the change only (scikit-learn
                    // removes and re-adds the whole contribution: same result up to rounding, half the work, none when w_j stays).
                    double tmp = b[j] - (hp[j] - qjj * wj);
                    // Inside the threshold the soft-thresholded value is ±0: skip the division (most coordinates of a
                    // sparse path); a −0 would compare equal to w_j = 0 anyway, so nothing else changes.
                    double nw = Math.Abs(tmp) <= l1 || (positive && tmp < 0) ? 0 : Math.CopySign(Math.Abs(tmp) - l1, tmp) / (qjj + l2);
                    if (nw != wj)
                    {
                        wp[j] = nw;
                        Axpy(q + (nint)j * p, nw - wj, hp, p);
                        dwMax = Math.Max(dwMax, Math.Abs(nw - wj));
                    }
                    wMax = Math.Max(wMax, Math.Abs(nw));
                }
                if (wMax == 0 || dwMax / wMax < dwTol || iter == maxIter - 1)
                {
                    gap = GramGap(w, h, xty, xta, yNorm2, l1, l2, positive);
                    if (gap < tol) { converged = true; break; }
                }
            }
        }
        return new CdOutcome(gap, tol, Math.Min(iter + 1, maxIter), converged);
    }

    /// <summary>scikit-learn's duality gap in covariance form, O(p): ||r||² = ||y||² + wᵀH − 2qᵀw with H = Q·w.</summary>
    private static double GramGap(ReadOnlySpan<double> w, ReadOnlySpan<double> h, ReadOnlySpan<double> xty, Span<double> xta,
        double yNorm2, double l1, double l2, bool positive)
    {
        double qDotW = TensorPrimitives.Dot(xty, w);
        TensorPrimitives.Subtract(xty, h, xta);
        TensorPrimitives.MultiplyAdd(w, -l2, xta, xta);
        double dual = positive ? TensorPrimitives.Max(xta) : Math.Abs(TensorPrimitives.MaxMagnitude(xta));
        double rNorm2 = yNorm2 + TensorPrimitives.Dot(w, h) - 2 * qDotW;
        double wNorm2 = TensorPrimitives.Dot(w, w);
        double scale, gap;
        if (dual > l1) { scale = l1 / dual; gap = 0.5 * (rNorm2 + rNorm2 * scale * scale); }
        else { scale = 1; gap = rNorm2; }
        return gap + l1 * TensorPrimitives.SumOfMagnitudes(w) - scale * yNorm2 + scale * qDotW + 0.5 * l2 * (1 + scale * scale) * wNorm2;
    }

    /// <summary>h += a·x over p values, the widest vectors the hardware has (inlined into the sweep: no call, no bounds checks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Axpy(double* x, double a, double* h, int p)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= p - 16; i += 16)
            {
                Vector512.FusedMultiplyAdd(Vector512.Load(x + i), va, Vector512.Load(h + i)).Store(h + i);
                Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 8), va, Vector512.Load(h + i + 8)).Store(h + i + 8);
            }
            for (; i <= p - 8; i += 8) Vector512.FusedMultiplyAdd(Vector512.Load(x + i), va, Vector512.Load(h + i)).Store(h + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= p - 4; i += 4) Vector256.FusedMultiplyAdd(Vector256.Load(x + i), va, Vector256.Load(h + i)).Store(h + i);
        }
        for (; i < p; i++) h[i] = Math.FusedMultiplyAdd(x[i], a, h[i]);
    }
}
