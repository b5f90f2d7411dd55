using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Reductions and normalizations over the rows of a contiguous [rows, len] block (the reduced dim last),
/// each row one TensorPrimitives pass or a few of them.
/// </summary>
internal static class RowKernels
{
    /// <summary>Runs body(firstRow, rowCount) over <paramref name="rows"/> rows of <paramref name="len"/> elements, split across the cores when large.</summary>
    public static void ForRows(int rows, int len, Action<int, int> body)
    {
        if (rows == 0) return;
        KernelThreads.For(rows, Math.Min(rows, KernelThreads.Pieces((long)rows * len)), body, align: 1, elementsPerIndex: len);
    }

    /// <summary>Index and value of each row's maximum (or minimum); the first NaN wins, as in PyTorch.</summary>
    public static void ArgExtreme<T>(ReadOnlySpan<T> src, int rows, int len, bool max, Span<int> indices, Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var row = src.Slice(r * len, len);
            int i = max ? TensorPrimitives.IndexOfMax(row) : TensorPrimitives.IndexOfMin(row);
            // IndexOfMax ranks +0 above -0; PyTorch treats them as equal and keeps the first.
            if (row[i] == T.Zero)
            {
                int firstZero = row.IndexOf(T.Zero);
                if (firstZero >= 0 && firstZero < i) i = firstZero;
            }
            indices[r] = i;
            values[r] = row[i];
        }
    }

    /// <summary>
    /// Maximum (or minimum) over the leading dim of a contiguous [rows, cols] block: one sweep over memory,
    /// keeping the first index of the extreme per column; NaN wins.
    /// </summary>
    public static void ArgExtremeLeading<T>(ReadOnlySpan<T> src, int rows, int cols, bool max, Span<int> indices, Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        src[..cols].CopyTo(values);
        // Row numbers are tracked in T lanes beside the values (exact below 2^24 rows even in Float32).
        var best = new T[cols];
        int w = Vector<T>.Count;
        bool simd = Vector.IsHardwareAccelerated && rows < 1 << 24;
        for (int r = 1; r < rows; r++)
        {
            var row = src.Slice(r * cols, cols);
            T rowNumber = T.CreateTruncating(r);
            int j = 0;
            if (simd)
            {
                var vr = new Vector<T>(rowNumber);
                for (; j <= cols - w; j += w)
                {
                    var v = new Vector<T>(row.Slice(j));
                    var b = new Vector<T>(values.Slice(j));
                    var better = max ? Vector.GreaterThan(v, b) : Vector.LessThan(v, b);
                    var vNaN = ~Vector.Equals(v, v);
                    var bNaN = ~Vector.Equals(b, b);
                    var take = (better | vNaN) & ~bNaN;
                    Vector.ConditionalSelect(take, v, b).CopyTo(values.Slice(j));
                    Vector.ConditionalSelect(take, vr, new Vector<T>(best.AsSpan(j))).CopyTo(best.AsSpan(j));
                }
            }
            for (; j < cols; j++)
            {
                T v = row[j], b = values[j];
                if (T.IsNaN(b)) continue;
                if (T.IsNaN(v) || (max ? v > b : v < b)) { values[j] = v; best[j] = rowNumber; }
            }
        }
        for (int j = 0; j < cols; j++) indices[j] = int.CreateTruncating(best[j]);
    }

    /// <summary>Numerically stable softmax of each row: one pass for the max, one writing exp(x − max) and summing it, one scaling.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> src, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++) SoftmaxRow(src.Slice(r * len, len), dst.Slice(r * len, len));
    }

    /// <summary>Softmax of one row into <paramref name="y"/>; returns the row's max and Σ exp(x − max) (log Z = log sum + max).</summary>
    public static (T Max, T Sum) SoftmaxRow<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length == 0) return (T.NegativeInfinity, T.Zero);
        T m = RowMax(x);
        T sum = ExpShiftedSum(x, m, y);
        Scale(y, T.One / sum);
        return (m, sum);
    }

    /// <summary>
    /// Largest element of a non-empty row for the softmax shift, in four independent SIMD chains. A NaN element may or
    /// may not be skipped here: either way it reaches the result through exp(x − max) (all NaN, as in PyTorch).
    /// Own loop rather than TensorPrimitives.Max, whose ±0 and NaN ordering makes it about as slow as the exp pass.
    /// </summary>
    private static T RowMax<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, w = Vector<T>.Count;
        T m = x[0];
        if (Vector.IsHardwareAccelerated && x.Length >= 4 * w)
        {
            Vector<T> m0 = new(x), m1 = new(x.Slice(w)), m2 = new(x.Slice(2 * w)), m3 = new(x.Slice(3 * w));
            for (i = 4 * w; i <= x.Length - 4 * w; i += 4 * w)
            {
                m0 = Vector.MaxNative(m0, new Vector<T>(x.Slice(i)));
                m1 = Vector.MaxNative(m1, new Vector<T>(x.Slice(i + w)));
                m2 = Vector.MaxNative(m2, new Vector<T>(x.Slice(i + 2 * w)));
                m3 = Vector.MaxNative(m3, new Vector<T>(x.Slice(i + 3 * w)));
            }
            m0 = Vector.MaxNative(Vector.MaxNative(m0, m1), Vector.MaxNative(m2, m3));
            for (; i <= x.Length - w; i += w) m0 = Vector.MaxNative(m0, new Vector<T>(x.Slice(i)));
            for (int j = 0; j < w; j++) m = T.MaxNative(m, m0[j]);
        }
        for (; i < x.Length; i++) m = T.MaxNative(m, x[i]);
        return m;
    }

    /// <summary>y ← y·s in place (the row is still in L1 from the exp pass).</summary>
    private static void Scale<T>(Span<T> y, T s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, w = Vector<T>.Count;
        var vs = new Vector<T>(s);
        if (Vector.IsHardwareAccelerated)
            for (; i <= y.Length - w; i += w) (new Vector<T>(y.Slice(i)) * vs).CopyTo(y.Slice(i));
        for (; i < y.Length; i++) y[i] *= s;
    }

    /// <summary>log Σ exp of each row; a row whose max is ±∞ is shifted by 0 instead, as PyTorch does.</summary>
    public static void LogSumExp<T>(ReadOnlySpan<T> src, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++) dst[r] = RowLogSumExp(src.Slice(r * len, len));
    }

    /// <summary>x − logsumexp(x) for each row.</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> src, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var x = src.Slice(r * len, len);
            TensorPrimitives.Subtract(x, RowLogSumExp(x), dst.Slice(r * len, len));
        }
    }

    private static T RowLogSumExp<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length == 0) return T.NegativeInfinity;
        T m = RowMax(x);
        if (T.IsInfinity(m)) m = T.Zero;
        return T.Log(ExpShiftedSum(x, m, default)) + m;
    }

    /// <summary>Σ exp(x − shift), also writing the terms to <paramref name="y"/> unless it is empty; SIMD exp (512-bit lanes where the hardware has them), lane-wise sums.</summary>
    // Never inlined: the exp is inlined here twice (512-bit and Vector<T> loops), and inside a caller's row loop the
    // profile-guided recompilation ran out of inlining budget and left the lane operations as calls (softmax rows
    // 2.5× slower, 1.7 ms against 0.67 ms for 1024 × 1024 floats, after the first few hundred calls).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T ExpShiftedSum<T>(ReadOnlySpan<T> x, T shift, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool store = !y.IsEmpty;
        int i = 0, w = Vector<T>.Count;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated)
        {
            int w512 = Vector512<T>.Count;
            var acc512 = Vector512<T>.Zero;
            var vs512 = Vector512.Create(shift);
            for (; i <= x.Length - w512; i += w512)
            {
                var e = VectorMath.Exp(Vector512.Create(x.Slice(i, w512)) - vs512);
                if (store) e.CopyTo(y.Slice(i));
                acc512 += e;
            }
            sum = Vector512.Sum(acc512);
        }
        var acc = Vector<T>.Zero;
        var vs = new Vector<T>(shift);
        if (Vector.IsHardwareAccelerated)
            for (; i <= x.Length - w; i += w)
            {
                var e = VectorMath.Exp(new Vector<T>(x.Slice(i)) - vs);
                if (store) e.CopyTo(y.Slice(i));
                acc += e;
            }
        sum += Vector.Sum(acc);
        for (; i < x.Length; i++)
        {
            T e = VectorMath.Exp(x[i] - shift);
            if (store) y[i] = e;
            sum += e;
        }
        return sum;
    }

    /// <summary>Softmax backward per row: y ⊙ (g − Σ g·y).</summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * len, len);
            var gr = g.Slice(r * len, len);
            ScaledDifference(yr, gr, TensorPrimitives.Dot(gr, yr), dst.Slice(r * len, len));
        }
    }

    /// <summary>
    /// d = (g − s)·y in one pass (the row's y and g are still in L1 from the dot; a subtract pass and a multiply pass
    /// went over d twice more). Rounded as those two passes were: the difference, then the product.
    /// </summary>
    // Never inlined, for the reason given at ExpShiftedSum.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ScaledDifference<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, T s, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            int w = Vector512<T>.Count;
            var vs = Vector512.Create(s);
            for (; i <= y.Length - w; i += w)
                ((Vector512.Create(g.Slice(i, w)) - vs) * Vector512.Create(y.Slice(i, w))).CopyTo(d.Slice(i));
        }
        else if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<T>.Count;
            var vs = new Vector<T>(s);
            for (; i <= y.Length - w; i += w) ((new Vector<T>(g.Slice(i)) - vs) * new Vector<T>(y.Slice(i))).CopyTo(d.Slice(i));
        }
        for (; i < y.Length; i++) d[i] = (g[i] - s) * y[i];
    }

    /// <summary>Log-softmax backward per row: g − exp(y) · Σ g.</summary>
    public static void LogSoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var d = dst.Slice(r * len, len);
            var gr = g.Slice(r * len, len);
            T sum = TensorPrimitives.Sum(gr);
            ExpKernel.Apply<T>(y.Slice(r * len, len), d);
            TensorPrimitives.Multiply(d, -sum, d);
            TensorPrimitives.Add(d, gr, d);
        }
    }
}
