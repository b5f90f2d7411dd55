using System.Numerics;
using System.Numerics.Tensors;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Reductions and normalizations over the rows of a contiguous [rows, len] block (the reduced dim last),
/// each row one TensorPrimitives pass or a few of them.
/// </summary>
internal static class RowKernels
{
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

    /// <summary>Numerically stable softmax of each row: exp(x − max) / Σ.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> src, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var x = src.Slice(r * len, len);
            var y = dst.Slice(r * len, len);
            T m = TensorPrimitives.Max(x);
            TensorPrimitives.Subtract(x, m, y);
            TensorPrimitives.Exp(y, y);
            TensorPrimitives.Divide(y, TensorPrimitives.Sum<T>(y), y);
        }
    }

    /// <summary>log Σ exp of each row; a row whose max is ±∞ is shifted by 0 instead, as PyTorch does.</summary>
    public static void LogSumExp<T>(ReadOnlySpan<T> src, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scratch = new T[len];
        for (int r = 0; r < rows; r++) dst[r] = RowLogSumExp(src.Slice(r * len, len), scratch);
    }

    /// <summary>x − logsumexp(x) for each row.</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> src, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var y = dst.Slice(r * len, len);
            T lse = RowLogSumExp(src.Slice(r * len, len), y);
            TensorPrimitives.Subtract(src.Slice(r * len, len), lse, y);
        }
    }

    private static T RowLogSumExp<T>(ReadOnlySpan<T> x, Span<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length == 0) return T.NegativeInfinity;
        T m = TensorPrimitives.Max(x);
        if (T.IsInfinity(m)) m = T.Zero;
        var e = scratch[..x.Length];
        TensorPrimitives.Subtract(x, m, e);
        TensorPrimitives.Exp(e, e);
        return T.Log(TensorPrimitives.Sum<T>(e)) + m;
    }

    /// <summary>Softmax backward per row: y ⊙ (g − Σ g·y).</summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * len, len);
            var gr = g.Slice(r * len, len);
            var d = dst.Slice(r * len, len);
            T dot = TensorPrimitives.Dot(gr, yr);
            TensorPrimitives.Subtract(gr, dot, d);
            TensorPrimitives.Multiply(d, yr, d);
        }
    }

    /// <summary>Log-softmax backward per row: g − exp(y) · Σ g.</summary>
    public static void LogSoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, int rows, int len, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var d = dst.Slice(r * len, len);
            var gr = g.Slice(r * len, len);
            T sum = TensorPrimitives.Sum(gr);
            TensorPrimitives.Exp(y.Slice(r * len, len), d);
            TensorPrimitives.Multiply(d, -sum, d);
            TensorPrimitives.Add(d, gr, d);
        }
    }
}
