using System.Numerics;
using System.Runtime.CompilerServices;
using Overfit.Tensors;
using Tensor = Overfit.Tensors.Tensor;

namespace Overfit.Landscape;

internal sealed partial class PearlmutterPlan
{
    /// <summary>
    /// <paramref name="into"/> = a⊙b, plus c⊙d when c is given, in one pass over the lanes: R y = f'(u)⊙R u going
    /// forward, Rδ_u = Rδ_y⊙f'(u) + (δ_y⊙f''(u))⊙R u going back. All contiguous, of one shape; <paramref name="into"/> returned.
    /// </summary>
    private static Tensor ProductSum(Tensor a, Tensor b, Tensor? c, Tensor? d, Tensor into)
    {
        if (a.DType == DType.Float32)
            ProductSum<float>(a.AsSpan<float>(), b.AsSpan<float>(), c is null ? default : c.AsSpan<float>(), d is null ? default : d.AsSpan<float>(), into.AsSpan<float>());
        else
            ProductSum<double>(a.AsSpan<double>(), b.AsSpan<double>(), c is null ? default : c.AsSpan<double>(), d is null ? default : d.AsSpan<double>(), into.AsSpan<double>());
        return into;
    }

    // Compiled optimized from the first call (no tier-0 pass): a lone product runs only a handful of times, too few for
    // the tiered JIT to reach these loops before the caller is done.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductSum<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, ReadOnlySpan<T> d, Span<T> into)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = into.Length, i = 0, w = Vector<T>.Count;
        if (a.Length != n || b.Length != n || c.Length != d.Length || (!c.IsEmpty && c.Length != n))
            throw new ArgumentException($"ProductSum: lengths {a.Length}, {b.Length}, {c.Length}, {d.Length} do not match the output's {n}");
        if (c.IsEmpty)
        {
            if (Vector.IsHardwareAccelerated)
                for (; i <= n - w; i += w) (new Vector<T>(a[i..]) * new Vector<T>(b[i..])).CopyTo(into[i..]);
            for (; i < n; i++) into[i] = a[i] * b[i];
            return;
        }
        if (Vector.IsHardwareAccelerated)
            for (; i <= n - w; i += w)
                (new Vector<T>(a[i..]) * new Vector<T>(b[i..]) + new Vector<T>(c[i..]) * new Vector<T>(d[i..])).CopyTo(into[i..]);
        for (; i < n; i++) into[i] = a[i] * b[i] + c[i] * d[i];
    }

    /// <summary>The column sums of the rows×cols matrix <paramref name="t"/> into <paramref name="sum"/> (the bias rows of H·v).</summary>
    private static void ColumnSums(Tensor t, int rows, int cols, Tensor sum)
    {
        if (t.DType == DType.Float32) ColumnSums(t.AsSpan<float>(), rows, cols, sum.AsSpan<float>());
        else ColumnSums(t.AsSpan<double>(), rows, cols, sum.AsSpan<double>());
    }

    /// <summary>Row 0 copied, then each further row added in order (the order of a zero-started running sum, bit for bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnSums<T>(ReadOnlySpan<T> t, int rows, int cols, Span<T> sum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        sum = sum[..cols];
        if (rows == 0)
        {
            sum.Clear();
            return;
        }
        t[..cols].CopyTo(sum);
        int w = Vector<T>.Count;
        for (int r = 1; r < rows; r++)
        {
            var row = t.Slice(r * cols, cols);
            int j = 0;
            if (Vector.IsHardwareAccelerated)
                for (; j <= cols - w; j += w) (new Vector<T>(sum[j..]) + new Vector<T>(row[j..])).CopyTo(sum[j..]);
            for (; j < cols; j++) sum[j] += row[j];
        }
    }
}
