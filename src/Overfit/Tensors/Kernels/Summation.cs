using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>Sum of all elements of a span, as <c>torch.sum</c> of a whole tensor.</summary>
internal static class Summation
{
    /// <summary>Floats one pass adds in float lanes: each of the eight accumulators takes 16 vectors.</summary>
    private const int Block = 2048;

    /// <summary>
    /// Σ x for Float32 data, returned in double. Eight 512-bit float accumulators, each adding at most 16 values per
    /// lane, run over blocks of 2048 values; after each block every accumulator is widened and added in double lanes.
    /// So the error grows with the block, not with the span (PyTorch's cascade sum has the same aim), and a span of
    /// fewer than 256 values is added in double all but exactly. One loop over the whole span: the earlier float sums of
    /// 4096 values each (TensorPrimitives.Sum per block, added in double) cost a call and a horizontal sum per block,
    /// which on two threads, where each half of a 1M-element sum takes about 20 µs, made it 13 % slower than PyTorch's.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double Sum(ReadOnlySpan<float> x)
    {
        if (!Vector512.IsHardwareAccelerated) return Blocks(x);
        ref float start = ref MemoryMarshal.GetReference(x);
        nuint i = 0, n = (nuint)x.Length;
        double s = 0;
        // Scalar adds up to a 64-byte boundary: a 512-bit load that straddles two cache lines costs two.
        unsafe
        {
            nuint misaligned = (nuint)Unsafe.AsPointer(ref start) % 64 / sizeof(float);
            if (misaligned != 0)
                for (nuint head = Math.Min(n, 16 - misaligned); i < head; i++) s += Unsafe.Add(ref start, i);
        }
        Vector512<double> d0 = default, d1 = default;
        while (n - i >= 128)
        {
            nuint end = i + Math.Min((nuint)Block, (n - i) & ~(nuint)127);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (; i < end; i += 128)
            {
                a0 += Vector512.LoadUnsafe(ref start, i);
                a1 += Vector512.LoadUnsafe(ref start, i + 16);
                a2 += Vector512.LoadUnsafe(ref start, i + 32);
                a3 += Vector512.LoadUnsafe(ref start, i + 48);
                a4 += Vector512.LoadUnsafe(ref start, i + 64);
                a5 += Vector512.LoadUnsafe(ref start, i + 80);
                a6 += Vector512.LoadUnsafe(ref start, i + 96);
                a7 += Vector512.LoadUnsafe(ref start, i + 112);
            }
            d0 += Widened(a0) + Widened(a1) + Widened(a2) + Widened(a3);
            d1 += Widened(a4) + Widened(a5) + Widened(a6) + Widened(a7);
        }
        s += Vector512.Sum(d0 + d1);
        for (; i < n; i++) s += Unsafe.Add(ref start, i);
        return s;
    }

    /// <summary>The sum of a float vector's two halves, in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Widened(Vector512<float> v)
    {
        var (lo, hi) = Vector512.Widen(v);
        return lo + hi;
    }

    /// <summary>Without 512-bit lanes: float sums of 4096 values each (TensorPrimitives), added in double.</summary>
    private static double Blocks(ReadOnlySpan<float> span)
    {
        double s = 0;
        for (int i = 0; i < span.Length; i += 4096) s += TensorPrimitives.Sum(span.Slice(i, Math.Min(4096, span.Length - i)));
        return s;
    }

    /// <summary>
    /// dst[r] = Σ src[r, ·] for each row of a contiguous [rows, cols] block (torch.sum over the last dim) in one loop:
    /// four 512-bit accumulators per row, added pairwise, then across lanes, then the row's tail. A TensorPrimitives.Sum
    /// per row cost a call, its checks and its own tail handling for every row (as much as a tenth of a 1024-wide row's
    /// time). Float32 rows add in float lanes, as TensorPrimitives.Sum and PyTorch's row reduction do.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void SumRows<T>(ReadOnlySpan<T> src, int rows, int cols, Span<T> dst) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if ((long)rows * cols > src.Length || dst.Length < rows) throw new ArgumentException($"SumRows: {rows}×{cols} rows need {(long)rows * cols} elements and {rows} outputs, got {src.Length} and {dst.Length}");
        ref T start = ref MemoryMarshal.GetReference(src);
        nuint len = (nuint)cols, w = Vector512.IsHardwareAccelerated ? (nuint)Vector512<T>.Count : nuint.MaxValue / 8;
        for (int r = 0; r < rows; r++)
        {
            ref T row = ref Unsafe.Add(ref start, (nuint)r * len);
            nuint i = 0;
            T s = T.Zero;
            if (len >= 2 * w)
            {
                // Scalar adds up to a 64-byte boundary: a 512-bit load that straddles two cache lines costs two.
                unsafe
                {
                    nuint head = (64 - (nuint)Unsafe.AsPointer(ref row) % 64) % 64 / (nuint)Unsafe.SizeOf<T>();
                    for (; i < head; i++) s += Unsafe.Add(ref row, i);
                }
                Vector512<T> a0 = Vector512<T>.Zero, a1 = Vector512<T>.Zero, a2 = Vector512<T>.Zero, a3 = Vector512<T>.Zero;
                for (; i + 4 * w <= len; i += 4 * w)
                {
                    a0 += Vector512.LoadUnsafe(ref row, i);
                    a1 += Vector512.LoadUnsafe(ref row, i + w);
                    a2 += Vector512.LoadUnsafe(ref row, i + 2 * w);
                    a3 += Vector512.LoadUnsafe(ref row, i + 3 * w);
                }
                for (; i + w <= len; i += w) a0 += Vector512.LoadUnsafe(ref row, i);
                s += Vector512.Sum((a0 + a1) + (a2 + a3));
            }
            for (; i < len; i++) s += Unsafe.Add(ref row, i);
            dst[r] = s;
        }
    }
}
