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
        indices[..cols].Clear();
        for (int r = 1; r < rows; r++)
        {
            var row = src.Slice(r * cols, cols);
            for (int j = 0; j < cols; j++)
            {
                T v = row[j], best = values[j];
                if (T.IsNaN(best)) continue;
                if (T.IsNaN(v) || (max ? v > best : v < best)) { values[j] = v; indices[j] = r; }
            }
        }
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
