using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Overfit.Tensors.Kernels;

/// <summary>An elementwise op whose 512-bit form computes every lane from that lane's inputs alone (no choice of path made across lanes).</summary>
internal interface ILanewiseBinaryOp<T> : IWideBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>;

internal static partial class VectorLoops
{
    /// <summary>
    /// Fewest destination bytes for which <see cref="MapStreaming{T, TOp}"/> writes past the caches. Measured on 2-core
    /// AVX-512 machines with 2 MB of L2 per core, a Float64 ReLU gradient (two inputs, one output): 512 KB of output is
    /// 25 % slower with non-temporal stores (all three arrays still fit in L2), 768 KB already 17 % faster, 8 MB 16–19 %
    /// faster (the store no longer reads each line it is about to overwrite).
    /// </summary>
    public const int StreamingMinBytes = 1 << 20;

    /// <summary>
    /// d = op(x, y) on 512-bit lanes; where d is at least <see cref="StreamingMinBytes"/> long, the stores are
    /// non-temporal and 64-byte aligned. The unaligned first and last blocks are computed before anything is stored
    /// and written last, so a destination that aliases an input at the same position reads only original values, and
    /// every element is computed by the vector form wherever the buffer happens to sit in memory (the op's lanes must be
    /// independent of each other for the overlapping blocks to agree). Below the threshold, or without 512-bit lanes, this is
    /// <see cref="MapWide{T, TOp}(TOp, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe void MapStreaming<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ILanewiseBinaryOp<T>
    {
        CheckLength(x.Length, y.Length);
        CheckLength(x.Length, d.Length);
        if (!Vector512.IsHardwareAccelerated || !Sse.IsSupported || (long)d.Length * sizeof(T) < StreamingMinBytes)
        {
            MapWide(op, x, y, d);
            return;
        }
        fixed (T* px = &MemoryMarshal.GetReference(x), py = &MemoryMarshal.GetReference(y), pd = &MemoryMarshal.GetReference(d))
            Stream(op, px, py, pd, (nuint)d.Length);
        // Non-temporal stores are weakly ordered: fence them before the caller (or another thread) reads d.
        Sse.StoreFence();
    }

    /// <summary>
    /// d[r, j] = op(block[r, j], row[j]) over the rows of a contiguous [rows, row.Length] block in one loop (the op
    /// inlined, no call per row): a bias added to every row of a batch. With <paramref name="stream"/> (callers pass
    /// it when the output is at least <see cref="StreamingMinBytes"/>) the whole block is written as one span with
    /// aligned non-temporal stores, as <see cref="MapStreaming{T, TOp}"/> writes it, the row read at the matching column
    /// (streaming each row on its own would mix cached and non-temporal stores in the cache lines rows share: slower
    /// than no streaming at all).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe void MapRows<T, TOp>(TOp op, ReadOnlySpan<T> block, ReadOnlySpan<T> row, Span<T> d, bool stream) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ILanewiseBinaryOp<T>
    {
        CheckLength(block.Length, d.Length);
        int len = row.Length;
        if (len == 0) return;
        if (block.Length % len != 0) throw new ArgumentException($"a block of {block.Length} elements is not made of rows of {len}");
        nuint n = (nuint)block.Length, w = (nuint)Vector512<T>.Count, rowLength = (nuint)len;
        if (!Vector512.IsHardwareAccelerated || !Sse.IsSupported || n < w || (!stream && rowLength < w))
        {
            for (int r = 0; r < block.Length; r += len) MapWide(op, block.Slice(r, len), row, d.Slice(r, len));
            return;
        }
        fixed (T* px = &MemoryMarshal.GetReference(block), py = &MemoryMarshal.GetReference(row), pd = &MemoryMarshal.GetReference(d))
        {
            if (stream)
            {
                T* wrap = stackalloc T[(int)w];
                var first = op.Invoke(Vector512.Load(px), RowVector(py, rowLength, 0, wrap));
                var last = op.Invoke(Vector512.Load(px + (n - w)), RowVector(py, rowLength, (n - w) % rowLength, wrap));
                nuint i = (64 - ((nuint)pd & 63)) % 64 / (nuint)sizeof(T), j = i % rowLength;
                for (; i + w <= n; i += w)
                {
                    Vector512.StoreAlignedNonTemporal(op.Invoke(Vector512.Load(px + i), RowVector(py, rowLength, j, wrap)), pd + i);
                    j += w;
                    while (j >= rowLength) j -= rowLength;
                }
                Sse.StoreFence();
                Vector512.Store(first, pd);
                Vector512.Store(last, pd + (n - w));
                return;
            }
            for (nuint r = 0; r < n; r += rowLength)
            {
                // The row's last vector, which overlaps the one before it when the row is not a whole number of vectors,
                // is computed before anything of the row is stored (in-place use) and written last (the op is lane-wise).
                var last = op.Invoke(Vector512.Load(px + r + (rowLength - w)), Vector512.Load(py + (rowLength - w)));
                for (nuint i = 0; i + w <= rowLength; i += w) Vector512.Store(op.Invoke(Vector512.Load(px + r + i), Vector512.Load(py + i)), pd + r + i);
                Vector512.Store(last, pd + r + (rowLength - w));
            }
        }
    }

    /// <summary>
    /// d[r, j] = op(block[r, j], column[r]) over the rows of a contiguous [column.Length, cols] block in one loop (each
    /// row against its own value: a [R, 1] column broadcast). With <paramref name="stream"/> the block is written as one
    /// span with aligned non-temporal stores, as in <see cref="MapRows{T, TOp}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe void MapColumns<T, TOp>(TOp op, ReadOnlySpan<T> block, ReadOnlySpan<T> column, Span<T> d, bool stream) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ILanewiseBinaryOp<T>
    {
        CheckLength(block.Length, d.Length);
        int rows = column.Length;
        if (rows == 0) return;
        if (block.Length % rows != 0) throw new ArgumentException($"a block of {block.Length} elements is not made of {rows} rows");
        int cols = block.Length / rows;
        nuint n = (nuint)block.Length, w = (nuint)Vector512<T>.Count, rowLength = (nuint)cols;
        if (!Vector512.IsHardwareAccelerated || !Sse.IsSupported || cols == 0 || n < w || (!stream && rowLength < w))
        {
            for (int r = 0; r < rows; r++) MapWide(op, block.Slice(r * cols, cols), column[r], d.Slice(r * cols, cols));
            return;
        }
        fixed (T* px = &MemoryMarshal.GetReference(block), pc = &MemoryMarshal.GetReference(column), pd = &MemoryMarshal.GetReference(d))
        {
            if (stream)
            {
                T* wrap = stackalloc T[(int)w];
                var first = op.Invoke(Vector512.Load(px), ColumnVector(pc, rowLength, 0, wrap));
                var last = op.Invoke(Vector512.Load(px + (n - w)), ColumnVector(pc, rowLength, n - w, wrap));
                nuint i = (64 - ((nuint)pd & 63)) % 64 / (nuint)sizeof(T), r = i / rowLength, j = i % rowLength;
                for (; i + w <= n; i += w)
                {
                    var c = j + w <= rowLength ? Vector512.Create(pc[r]) : ColumnVector(pc, rowLength, i, wrap);
                    Vector512.StoreAlignedNonTemporal(op.Invoke(Vector512.Load(px + i), c), pd + i);
                    j += w;
                    while (j >= rowLength)
                    {
                        j -= rowLength;
                        r++;
                    }
                }
                Sse.StoreFence();
                Vector512.Store(first, pd);
                Vector512.Store(last, pd + (n - w));
                return;
            }
            for (nuint r = 0, at = 0; r < (nuint)rows; r++, at += rowLength)
            {
                var c = Vector512.Create(pc[r]);
                var last = op.Invoke(Vector512.Load(px + at + (rowLength - w)), c);
                for (nuint i = 0; i + w <= rowLength; i += w) Vector512.Store(op.Invoke(Vector512.Load(px + at + i), c), pd + at + i);
                Vector512.Store(last, pd + at + (rowLength - w));
            }
        }
    }

    /// <summary>The column values of the block's elements from flat index i on (each element's own row's value), gathered in <paramref name="wrap"/>.</summary>
    private static unsafe Vector512<T> ColumnVector<T>(T* column, nuint rowLength, nuint i, T* wrap) where T : unmanaged
    {
        nuint w = (nuint)Vector512<T>.Count;
        for (nuint k = 0; k < w; k++) wrap[k] = column[(i + k) / rowLength];
        return Vector512.Load(wrap);
    }

    /// <summary>The row's elements from column j on, wrapping past its end into the next row's start (gathered in <paramref name="wrap"/> then).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<T> RowVector<T>(T* row, nuint length, nuint j, T* wrap) where T : unmanaged
    {
        nuint w = (nuint)Vector512<T>.Count;
        if (j + w <= length) return Vector512.Load(row + j);
        for (nuint k = 0; k < w; k++) wrap[k] = row[(j + k) % length];
        return Vector512.Load(wrap);
    }

    /// <summary>
    /// The streaming loop over n ≥ one vector of elements: aligned non-temporal stores in the middle, the unaligned first
    /// and last blocks computed before anything is stored and written last (the caller fences).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Stream<T, TOp>(TOp op, T* px, T* py, T* pd, nuint n) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ILanewiseBinaryOp<T>
    {
        nuint w = (nuint)Vector512<T>.Count;
        var first = op.Invoke(Vector512.Load(px), Vector512.Load(py));
        var last = op.Invoke(Vector512.Load(px + (n - w)), Vector512.Load(py + (n - w)));
        nuint i = (64 - ((nuint)pd & 63)) % 64 / (nuint)sizeof(T);
        for (; i + 2 * w <= n; i += 2 * w)
        {
            var a = op.Invoke(Vector512.Load(px + i), Vector512.Load(py + i));
            var b = op.Invoke(Vector512.Load(px + i + w), Vector512.Load(py + i + w));
            Vector512.StoreAlignedNonTemporal(a, pd + i);
            Vector512.StoreAlignedNonTemporal(b, pd + i + w);
        }
        if (i + w <= n) Vector512.StoreAlignedNonTemporal(op.Invoke(Vector512.Load(px + i), Vector512.Load(py + i)), pd + i);
        Vector512.Store(first, pd);
        Vector512.Store(last, pd + (n - w));
    }
}
