using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.GaussianProcesses;

public abstract partial class StationaryKernel
{
    internal override bool SupportsLowerWeights => true;

    /// <summary>
    /// One pass over the lower-triangle pairs, row by row: r² in registers, k and g vectorized per row, the weight
    /// w_ij = ½(α_iα_j − C_ij) made on the fly from K⁻¹'s lower triangle, then Σ w·k and Σ w·g·D_c for every length
    /// scale. Rows go to the cores in chunks of equal pair counts; each chunk keeps its own sums.
    /// </summary>
    internal override unsafe double ContractLowerWeights(ReadOnlySpan<double> x, int n, int d, LowerWeights w, Span<double> grad)
    {
        ExactInference.RequireLength(w.Inverse.Length, (long)n * n, "w");
        ExactInference.RequireLength(w.Alpha.Length, n, "w");
        var xt = ScaledTransposed(x, n, d);
        int chunks = PairParallel.ChunkCount(n);
        var partial = new double[chunks * (d + 1)];
        double k0 = ValueFromSquaredDistance(0);
        var inverse = w.Inverse;
        var alpha = w.Alpha;
        fixed (double* xp = xt)
        fixed (double* cp = inverse)
        fixed (double* ap = alpha)
        {
            double* xtp = xp, cinv = cp, a = ap;
            PairParallel.For(n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk, start, end) =>
            {
                var buffers = new double[4 * n];
                var point = stackalloc double[d];
                var acc = stackalloc double[d];
                for (int c = 0; c < d; c++) acc[c] = 0;
                double value = 0;
                fixed (double* bp = buffers)
                {
                    double* r2 = bp, kv = bp + n, g = bp + 2 * n, wv = bp + 3 * n;
                    for (int u = start; u < end; u++)
                    {
                        int i = n - 1 - u;
                        double* crow = cinv + (nint)i * n;
                        value += 0.5 * (a[i] * a[i] - crow[i]) * k0;
                        if (i == 0) continue;
                        for (int c = 0; c < d; c++) point[c] = xtp[(nint)c * n + i];
                        SquaredDistancesToPoint(xtp, n, d, point, r2, i);
                        ValuesAndGradientFactors(new ReadOnlySpan<double>(r2, i), new Span<double>(kv, i), new Span<double>(g, i));
                        // Off-diagonal pairs count twice (W and K are symmetric): fold the 2 into the weights.
                        value += WeightRow(a, a[i], crow, kv, g, wv, i);
                        for (int c = 0; c < d; c++) acc[c] += WeightedSquaredDifferences<NoSum>(xtp + (nint)c * n, point[c], g, null, i);
                    }
                }
                for (int c = 0; c < d; c++) partial[chunk * (d + 1) + c] = acc[c];
                partial[chunk * (d + 1) + d] = value;
            });
        }
        return SumChunkPartials(partial, chunks, d, grad);
    }

    /// <summary>
    /// w_j = α_iα_j − C_ij (twice the weight, for the two symmetric pairs); returns Σ w_j k_j and replaces g_j by w_j g_j.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe double WeightRow(double* a, double ai, double* crow, double* kv, double* g, double* wv, int count)
    {
        double sum = 0;
        int j = 0;
        if (Vector256.IsHardwareAccelerated && count >= 4)
        {
            var vai = Vector256.Create(ai);
            var s = Vector256<double>.Zero;
            if (Vector512.IsHardwareAccelerated)
            {
                // Eight at a time; the sum still takes four-lane steps in order, so it rounds as the loop below alone would.
                var vai8 = Vector512.Create(ai);
                for (; j <= count - 8; j += 8)
                {
                    var wj = Vector512.FusedMultiplyAdd(vai8, Vector512.Load(a + j), -Vector512.Load(crow + j));
                    var kj = Vector512.Load(kv + j);
                    s = Vector256.FusedMultiplyAdd(wj.GetLower(), kj.GetLower(), s);
                    s = Vector256.FusedMultiplyAdd(wj.GetUpper(), kj.GetUpper(), s);
                    (wj * Vector512.Load(g + j)).Store(g + j);
                }
            }
            for (; j <= count - 4; j += 4)
            {
                var wj = Vector256.FusedMultiplyAdd(vai, Vector256.Load(a + j), -Vector256.Load(crow + j));
                s = Vector256.FusedMultiplyAdd(wj, Vector256.Load(kv + j), s);
                (wj * Vector256.Load(g + j)).Store(g + j);
            }
            sum = Vector256.Sum(s);
        }
        for (; j < count; j++)
        {
            double wj = ai * a[j] - crow[j];
            sum += wj * kv[j];
            g[j] *= wj;
        }
        return sum;
    }

    /// <summary>Marks whether <see cref="WeightedSquaredDifferences{TSum}"/> also accumulates g_j (col_j − p).</summary>
    private interface IColumnSum;
    private readonly struct NoSum : IColumnSum;
    private readonly struct AddToSum : IColumnSum;

    /// <summary>
    /// One pass over a column: returns Σ_j g_j (col_j − p)²; with <see cref="AddToSum"/> it also adds g_j (col_j − p) to
    /// <paramref name="sum"/> (the input gradient of the cross contraction). The JIT drops the branch per instantiation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe double WeightedSquaredDifferences<TSum>(double* col, double p, double* g, double* sum, int count) where TSum : struct, IColumnSum
    {
        double total = 0;
        int j = 0;
        if (Vector256.IsHardwareAccelerated && count >= 4)
        {
            var vp = Vector256.Create(p);
            var s = Vector256<double>.Zero;
            if (Vector512.IsHardwareAccelerated)
            {
                // Eight at a time; the sum still takes four-lane steps in order, so it rounds as the loop below alone would.
                var vp8 = Vector512.Create(p);
                for (; j <= count - 8; j += 8)
                {
                    var t = Vector512.Load(col + j) - vp8;
                    var gt = Vector512.Load(g + j) * t;
                    if (typeof(TSum) == typeof(AddToSum)) (Vector512.Load(sum + j) + gt).Store(sum + j);
                    s = Vector256.FusedMultiplyAdd(gt.GetLower(), t.GetLower(), s);
                    s = Vector256.FusedMultiplyAdd(gt.GetUpper(), t.GetUpper(), s);
                }
            }
            for (; j <= count - 4; j += 4)
            {
                var t = Vector256.Load(col + j) - vp;
                var gt = Vector256.Load(g + j) * t;
                if (typeof(TSum) == typeof(AddToSum)) (Vector256.Load(sum + j) + gt).Store(sum + j);
                s = Vector256.FusedMultiplyAdd(gt, t, s);
            }
            total = Vector256.Sum(s);
        }
        for (; j < count; j++)
        {
            double t = col[j] - p, gt = g[j] * t;
            if (typeof(TSum) == typeof(AddToSum)) sum[j] += gt;
            total += gt * t;
        }
        return total;
    }
}
