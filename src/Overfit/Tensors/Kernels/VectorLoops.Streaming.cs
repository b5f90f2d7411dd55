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
        {
            var operand = new SpanOperand<T>(py);
            Stream(op, px, ref operand, pd, (nuint)d.Length);
        }
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
        var wrap = new WrapBuffer();
        fixed (T* px = &MemoryMarshal.GetReference(block), py = &MemoryMarshal.GetReference(row), pd = &MemoryMarshal.GetReference(d))
        {
            if (stream)
            {
                var operand = new RowOperand<T>(py, rowLength, (T*)Unsafe.AsPointer(ref wrap));
                Stream(op, px, ref operand, pd, n);
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
        var wrap = new WrapBuffer();
        fixed (T* px = &MemoryMarshal.GetReference(block), pc = &MemoryMarshal.GetReference(column), pd = &MemoryMarshal.GetReference(d))
        {
            if (stream)
            {
                var operand = new ColumnOperand<T>(pc, rowLength, (T*)Unsafe.AsPointer(ref wrap));
                Stream(op, px, ref operand, pd, n);
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

    /// <summary>
    /// The streaming loop: d[i] = op(x[i], y's lanes for i) over n ≥ one vector of elements, aligned non-temporal stores in
    /// the middle, the unaligned first and last blocks computed before anything is stored and written last, then the fence
    /// (non-temporal stores are weakly ordered: the caller, or another thread, reads d next).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Stream<T, TOp, TY>(TOp op, T* px, ref TY y, T* pd, nuint n) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ILanewiseBinaryOp<T> where TY : struct, IStreamOperand<T>
    {
        nuint w = (nuint)Vector512<T>.Count;
        var first = op.Invoke(Vector512.Load(px), y.At(0));
        var last = op.Invoke(Vector512.Load(px + (n - w)), y.At(n - w));
        nuint i = CacheLine.ElementsToBoundary(pd);
        y.Seek(i);
        for (; i + w <= n; i += w)
        {
            Vector512.StoreAlignedNonTemporal(op.Invoke(Vector512.Load(px + i), y.Current()), pd + i);
            y.Advance();
        }
        Sse.StoreFence();
        Vector512.Store(first, pd);
        Vector512.Store(last, pd + (n - w));
    }
}

/// <summary>The second operand of <see cref="VectorLoops"/>' streaming loop, read one 512-bit vector at a time along the output.</summary>
internal interface IStreamOperand<T> where T : unmanaged
{
    /// <summary>The lanes for output elements i..i+w−1 (any i; called twice per loop).</summary>
    Vector512<T> At(nuint i);

    /// <summary>Positions the operand at output element i.</summary>
    void Seek(nuint i);

    /// <summary>The lanes at the current position.</summary>
    Vector512<T> Current();

    /// <summary>Moves one vector on.</summary>
    void Advance();
}

/// <summary>A plain span: element i of the output reads element i.</summary>
internal unsafe struct SpanOperand<T>(T* y) : IStreamOperand<T> where T : unmanaged
{
    private nuint _i;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly Vector512<T> At(nuint i) => Vector512.Load(y + i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Seek(nuint i) => _i = i;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly Vector512<T> Current() => Vector512.Load(y + _i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Advance() => _i += (nuint)Vector512<T>.Count;
}

/// <summary>A row repeated down a block: output element i reads row[i mod length]; a vector that runs past the row's end wraps (gathered in the scratch).</summary>
internal unsafe struct RowOperand<T>(T* row, nuint length, T* scratch) : IStreamOperand<T> where T : unmanaged
{
    private nuint _j;

    public readonly Vector512<T> At(nuint i) => From(i % length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Seek(nuint i) => _j = i % length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly Vector512<T> Current() => From(_j);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance()
    {
        _j += (nuint)Vector512<T>.Count;
        while (_j >= length) _j -= length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly Vector512<T> From(nuint j)
    {
        nuint w = (nuint)Vector512<T>.Count;
        if (j + w <= length) return Vector512.Load(row + j);
        for (nuint k = 0; k < w; k++) scratch[k] = row[(j + k) % length];
        return Vector512.Load(scratch);
    }
}

/// <summary>One value per row of a block: output element i reads column[i / rowLength]; a vector that spans two rows is gathered in the scratch.</summary>
internal unsafe struct ColumnOperand<T>(T* column, nuint rowLength, T* scratch) : IStreamOperand<T> where T : unmanaged
{
    private nuint _r, _j;

    public readonly Vector512<T> At(nuint i) => Gather(i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Seek(nuint i)
    {
        _r = i / rowLength;
        _j = i % rowLength;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector512<T> Current() => _j + (nuint)Vector512<T>.Count <= rowLength ? Vector512.Create(column[_r]) : Gather(_r * rowLength + _j);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance()
    {
        _j += (nuint)Vector512<T>.Count;
        while (_j >= rowLength)
        {
            _j -= rowLength;
            _r++;
        }
    }

    private readonly Vector512<T> Gather(nuint i)
    {
        nuint w = (nuint)Vector512<T>.Count;
        for (nuint k = 0; k < w; k++) scratch[k] = column[(i + k) / rowLength];
        return Vector512.Load(scratch);
    }
}

/// <summary>Room for one 512-bit vector of any element type, on the stack (no stackalloc, which would keep the loop's method from being recompiled with profile data).</summary>
[InlineArray(64)]
internal struct WrapBuffer
{
    private byte _first;
}
