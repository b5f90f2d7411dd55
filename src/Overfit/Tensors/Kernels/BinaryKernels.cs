using System.Numerics;
using System.Numerics.Tensors;

namespace Overfit.Tensors.Kernels;

/// <summary>A binary elementwise op as an operator struct: span⊕span, span⊕scalar and scalar⊕span forms, all SIMD.</summary>
internal interface IBinaryKernel
{
    static abstract void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;
}

internal readonly struct AddKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(y, x, d);
}

internal readonly struct SubKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
}

internal readonly struct MulKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(y, x, d);
}

internal readonly struct DivKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
}

internal readonly struct PowKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
}

/// <summary>Elementwise maximum that propagates NaN (as PyTorch's maximum does).</summary>
internal readonly struct MaxKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(y, x, d);
}

internal readonly struct MinKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(y, x, d);
}

/// <summary>Adapts a kernel (static operator struct or op instance) to rows: span⊕span, span⊕scalar, scalar⊕span.</summary>
internal interface IRowKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d);
    void Apply(ReadOnlySpan<T> x, T y, Span<T> d);
    void Apply(T x, ReadOnlySpan<T> y, Span<T> d);

    /// <summary>
    /// Each row of a contiguous block against one row (block ⊕ row, or row ⊕ block when <paramref name="rowFirst"/>);
    /// <paramref name="stream"/>: the output is large enough to be written past the caches where the kernel can.
    /// </summary>
    void ApplyRows(ReadOnlySpan<T> block, ReadOnlySpan<T> row, Span<T> d, bool rowFirst, bool stream);

    /// <summary>Each row of a contiguous block against its own value of <paramref name="column"/> (one per row), as <see cref="ApplyRows"/>.</summary>
    void ApplyColumns(ReadOnlySpan<T> block, ReadOnlySpan<T> column, Span<T> d, bool columnFirst, bool stream);
}

/// <summary>The row-by-row form of <see cref="IRowKernel{T}.ApplyRows"/>, for kernels without a one-loop form.</summary>
internal static class RowByRow
{
    public static void Apply<TK, T>(TK kernel, ReadOnlySpan<T> block, ReadOnlySpan<T> row, Span<T> d, bool rowFirst) where TK : struct, IRowKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        int len = row.Length;
        if (len == 0) return;
        for (int r = 0; r < block.Length; r += len)
        {
            if (rowFirst) kernel.Apply(row, block.Slice(r, len), d.Slice(r, len));
            else kernel.Apply(block.Slice(r, len), row, d.Slice(r, len));
        }
    }

    /// <summary>The row-by-row form of <see cref="IRowKernel{T}.ApplyColumns"/>.</summary>
    public static void ApplyColumns<TK, T>(TK kernel, ReadOnlySpan<T> block, ReadOnlySpan<T> column, Span<T> d, bool columnFirst) where TK : struct, IRowKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (column.Length == 0) return;
        int len = block.Length / column.Length;
        for (int r = 0; r < column.Length; r++)
        {
            if (columnFirst) kernel.Apply(column[r], block.Slice(r * len, len), d.Slice(r * len, len));
            else kernel.Apply(block.Slice(r * len, len), column[r], d.Slice(r * len, len));
        }
    }

    /// <summary>A lane-wise op over the block in one loop (<see cref="VectorLoops.MapColumns{T, TOp}"/>), its operands swapped when the column comes first.</summary>
    public static void LanewiseColumns<TOp, T>(TOp op, ReadOnlySpan<T> block, ReadOnlySpan<T> column, Span<T> d, bool columnFirst, bool stream) where TOp : struct, ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (columnFirst) VectorLoops.MapColumns(new SwappedOp<TOp, T>(op), block, column, d, stream);
        else VectorLoops.MapColumns(op, block, column, d, stream);
    }

    /// <summary>A lane-wise op over the block in one loop (<see cref="VectorLoops.MapRows{T, TOp}"/>), its operands swapped when the row comes first.</summary>
    public static void Lanewise<TOp, T>(TOp op, ReadOnlySpan<T> block, ReadOnlySpan<T> row, Span<T> d, bool rowFirst, bool stream) where TOp : struct, ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rowFirst) VectorLoops.MapRows(new SwappedOp<TOp, T>(op), block, row, d, stream);
        else VectorLoops.MapRows(op, block, row, d, stream);
    }
}

internal readonly struct StaticRows<TK, T> : IRowKernel<T> where TK : struct, IBinaryKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TK.Apply(x, y, d);
    public void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => TK.Apply(x, y, d);
    public void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => TK.Apply(x, y, d);

    // The four arithmetic kernels are exactly rounded IEEE operations: their lane-wise ops give the same bits in one loop.
    public void ApplyRows(ReadOnlySpan<T> block, ReadOnlySpan<T> row, Span<T> d, bool rowFirst, bool stream)
    {
        if (typeof(TK) == typeof(AddKernel)) RowByRow.Lanewise(new AddOp<T>(), block, row, d, rowFirst, stream);
        else if (typeof(TK) == typeof(SubKernel)) RowByRow.Lanewise(new SubOp<T>(), block, row, d, rowFirst, stream);
        else if (typeof(TK) == typeof(MulKernel)) RowByRow.Lanewise(new MulOp<T>(), block, row, d, rowFirst, stream);
        else if (typeof(TK) == typeof(DivKernel)) RowByRow.Lanewise(new DivOp<T>(), block, row, d, rowFirst, stream);
        else RowByRow.Apply(this, block, row, d, rowFirst);
    }

    public void ApplyColumns(ReadOnlySpan<T> block, ReadOnlySpan<T> column, Span<T> d, bool columnFirst, bool stream)
    {
        if (typeof(TK) == typeof(AddKernel)) RowByRow.LanewiseColumns(new AddOp<T>(), block, column, d, columnFirst, stream);
        else if (typeof(TK) == typeof(SubKernel)) RowByRow.LanewiseColumns(new SubOp<T>(), block, column, d, columnFirst, stream);
        else if (typeof(TK) == typeof(MulKernel)) RowByRow.LanewiseColumns(new MulOp<T>(), block, column, d, columnFirst, stream);
        else if (typeof(TK) == typeof(DivKernel)) RowByRow.LanewiseColumns(new DivOp<T>(), block, column, d, columnFirst, stream);
        else RowByRow.ApplyColumns(this, block, column, d, columnFirst);
    }
}

internal readonly struct OpRows<TOp, T>(TOp op) : IRowKernel<T> where TOp : struct, IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => VectorLoops.Map(op, x, y, d);
    public void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => VectorLoops.Map(op, x, y, d);
    public void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => VectorLoops.Map(op, x, y, d);
    public void ApplyRows(ReadOnlySpan<T> block, ReadOnlySpan<T> row, Span<T> d, bool rowFirst, bool stream) => RowByRow.Apply(this, block, row, d, rowFirst);
    public void ApplyColumns(ReadOnlySpan<T> block, ReadOnlySpan<T> column, Span<T> d, bool columnFirst, bool stream) => RowByRow.ApplyColumns(this, block, column, d, columnFirst);
}

/// <summary>
/// Rows of the Float32 GELU gradient g·GELU′(x) (x first): span⊕span rows through the chunked table loop
/// (<see cref="GeluSingleTable.MapGradient"/>) where 512-bit lanes have it, everything else through the general loops
/// with <see cref="GeluGradSingleOp"/> (the same bits either way).
/// </summary>
internal readonly struct GeluGradRows : IRowKernel<float>
{
    public void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
    {
        if (GeluSingleTable.IsSupported) GeluSingleTable.MapGradient(x, y, d);
        else VectorLoops.MapWide(new GeluGradSingleOp(), x, y, d);
    }
    public void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => VectorLoops.MapWide(new GeluGradSingleOp(), x, y, d);
    // A scalar first operand (an x broadcast against a gradient) is rare enough for the narrow loop.
    public void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => VectorLoops.Map(new GeluGradSingleOp(), x, y, d);
    public void ApplyRows(ReadOnlySpan<float> block, ReadOnlySpan<float> row, Span<float> d, bool rowFirst, bool stream) => RowByRow.Apply(this, block, row, d, rowFirst);
    public void ApplyColumns(ReadOnlySpan<float> block, ReadOnlySpan<float> column, Span<float> d, bool columnFirst, bool stream) => RowByRow.ApplyColumns(this, block, column, d, columnFirst);
}

/// <summary>
/// Rows of a lane-wise op with 512-bit forms: long span⊕span rows are written past the caches
/// (<see cref="VectorLoops.MapStreaming{T, TOp}"/>), a scalar second operand runs on 512-bit lanes, a scalar first one on
/// the narrow loop.
/// </summary>
internal readonly struct StreamingOpRows<TOp, T>(TOp op) : IRowKernel<T> where TOp : struct, ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => VectorLoops.MapStreaming(op, x, y, d);
    public void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => VectorLoops.MapWide(op, x, y, d);
    public void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => VectorLoops.Map(op, x, y, d);
    public void ApplyRows(ReadOnlySpan<T> block, ReadOnlySpan<T> row, Span<T> d, bool rowFirst, bool stream) => RowByRow.Lanewise(op, block, row, d, rowFirst, stream);
    public void ApplyColumns(ReadOnlySpan<T> block, ReadOnlySpan<T> column, Span<T> d, bool columnFirst, bool stream) => RowByRow.LanewiseColumns(op, block, column, d, columnFirst, stream);
}

/// <summary>Runs a binary kernel over two tensors with NumPy broadcasting, one inner row at a time.</summary>
internal static class Broadcasting
{
    public static Tensor Binary<TK>(Tensor a, Tensor b, string op) where TK : struct, IBinaryKernel
        => Binary(a, b, new StaticRows<TK, float>(), new StaticRows<TK, double>(), op);

    /// <summary>Broadcasts an op instance (one per dtype, since ops may carry parameters of their element type).</summary>
    public static Tensor BinaryOp<TF, TD>(Tensor a, Tensor b, TF opF, TD opD, string op) where TF : struct, IBinaryOp<float> where TD : struct, IBinaryOp<double>
        => Binary(a, b, new OpRows<TF, float>(opF), new OpRows<TD, double>(opD), op);

    /// <summary>The GELU gradient g·GELU′(x) (PyTorch's gelu_backward) with broadcasting.</summary>
    public static Tensor GeluGradient(Tensor x, Tensor g) => Binary(x, g, new GeluGradRows(), new OpRows<GeluGradOp, double>(new GeluGradOp()), "Gelu backward");

    /// <summary><see cref="BinaryOp{TF, TD}"/> for lane-wise ops with 512-bit forms in both dtypes (the gradients of the pointwise activations).</summary>
    public static Tensor LanewiseBinaryOp<TF, TD>(Tensor a, Tensor b, TF opF, TD opD, string op) where TF : struct, ILanewiseBinaryOp<float> where TD : struct, ILanewiseBinaryOp<double>
        => Binary(a, b, new StreamingOpRows<TF, float>(opF), new StreamingOpRows<TD, double>(opD), op);

    private static Tensor Binary<KF, KD>(Tensor a, Tensor b, KF kf, KD kd, string op) where KF : struct, IRowKernel<float> where KD : struct, IRowKernel<double>
    {
        Tensor.CheckSameDType(a, b, op);
        var shape = ShapeUtil.Broadcast(a.ShapeSpan, b.ShapeSpan, op);
        var result = Tensor.Uninitialized(shape, a.DType);
        if (a.DType == DType.Float32) Run<float, KF>(a, b, result, kf);
        else Run<double, KD>(a, b, result, kd);
        return result;
    }

    private static void Run<T, TK>(Tensor a, Tensor b, Tensor result, TK kernel) where TK : struct, IRowKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dst = result.Data<T>();
        if (result.Numel == 0) return;
        int n = result.Numel;
        if (a.IsContiguous && b.IsContiguous && ShapeUtil.SameShape(a.ShapeSpan, b.ShapeSpan))
        {
            ParallelMap.Binary(kernel, a.Data<T>(), a.Offset, b.Data<T>(), b.Offset, dst, 0, n);
            return;
        }
        if (b.Numel == 1 && a.IsContiguous && a.Numel == n) { ParallelMap.WithScalar(kernel, a.Data<T>(), a.Offset, b.Data<T>()[b.Offset], false, dst, 0, n); return; }
        if (a.Numel == 1 && b.IsContiguous && b.Numel == n) { ParallelMap.WithScalar(kernel, b.Data<T>(), b.Offset, a.Data<T>()[a.Offset], true, dst, 0, n); return; }
        if (RowOrColumn<T, TK>(a, b, result, kernel, swapped: false) || RowOrColumn<T, TK>(b, a, result, kernel, swapped: true)) return;

        // General case: rows of the output; an operand whose inner stride is neither 0 nor 1 is made contiguous first.
        var shape = result.ShapeSpan;
        a = RowFriendly(a);
        b = RowFriendly(b);
        var sa = ShapeUtil.BroadcastStrides(a.ShapeSpan, a.StrideSpan, shape);
        var sb = ShapeUtil.BroadcastStrides(b.ShapeSpan, b.StrideSpan, shape);
        var so = result.StrideSpan.ToArray();
        var xa = a.Data<T>();
        var xb = b.Data<T>();
        int innerA = sa.Length > 0 ? sa[^1] : 1, innerB = sb.Length > 0 ? sb[^1] : 1;
        Strided.ForEachRow(shape, sa, a.Offset, sb, b.Offset, so, 0, (oa, ob, od, n) =>
        {
            var d = dst.AsSpan(od, n);
            if (innerA == 0 && innerB == 0) { kernel.Apply(xa.AsSpan(oa, 1), xb[ob], d[..1]); d.Fill(d[0]); }
            else if (innerA == 0) kernel.Apply(xa[oa], xb.AsSpan(ob, n), d);
            else if (innerB == 0) kernel.Apply(xa.AsSpan(oa, n), xb[ob], d);
            else kernel.Apply(xa.AsSpan(oa, n), xb.AsSpan(ob, n), d);
        });
    }

    /// <summary>
    /// The common layouts where <paramref name="full"/> has the result's shape and is contiguous, and
    /// <paramref name="part"/> is contiguous and repeats along leading dims (a row vector, [C] against [R, C]) or
    /// along trailing dims (a column, [R, 1] against [R, C]): one kernel call per row with no index arithmetic,
    /// rows split across the cores. <paramref name="swapped"/> means part is the kernel's first operand.
    /// </summary>
    private static bool RowOrColumn<T, TK>(Tensor full, Tensor part, Tensor result, TK kernel, bool swapped) where TK : struct, IRowKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = result.ShapeSpan;
        if (!full.IsContiguous || !part.IsContiguous || !ShapeUtil.SameShape(full.ShapeSpan, shape) || part.Numel <= 1 || part.Numel >= full.Numel) return false;
        var ps = part.ShapeSpan;
        int lead = shape.Length - ps.Length; // part's missing leading dims count as 1
        // Row: part's shape, after its leading 1s, equals the trailing dims of the result.
        int firstReal = 0;
        while (firstReal < ps.Length && ps[firstReal] == 1) firstReal++;
        bool row = true;
        for (int i = firstReal; i < ps.Length && row; i++) row = ps[i] == shape[lead + i];
        // Column: part's shape equals the leading dims of the result, followed by 1s.
        int lastReal = ps.Length - 1;
        while (lastReal >= 0 && ps[lastReal] == 1) lastReal--;
        bool column = !row;
        for (int i = 0; i <= lastReal && column; i++) column = lead + i < shape.Length && ps[i] == shape[lead + i] && lead == 0;
        if (!row && !column) return false;
        var x = full.Data<T>();
        var p = part.Data<T>();
        var d = result.Data<T>();
        int xo = full.Offset, po = part.Offset, len = part.Numel;
        int n = result.Numel;
        int pieces = KernelThreads.Pieces(n);
        // Each thread's share of the output decides whether it is written past the caches.
        bool stream = (long)n / pieces * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() >= VectorLoops.StreamingMinBytes;
        if (row)
        {
            int rows = n / len;
            KernelThreads.For(rows, pieces, (r0, count) =>
                kernel.ApplyRows(x.AsSpan(xo + r0 * len, count * len), new ReadOnlySpan<T>(p, po, len), d.AsSpan(r0 * len, count * len), swapped, stream), align: 1, elementsPerIndex: len);
        }
        else
        {
            int inner = n / len;
            KernelThreads.For(len, pieces, (r0, count) =>
                kernel.ApplyColumns(x.AsSpan(xo + r0 * inner, count * inner), new ReadOnlySpan<T>(p, po + r0, count), d.AsSpan(r0 * inner, count * inner), swapped, stream), align: 1, elementsPerIndex: inner);
        }
        return true;
    }

    private static Tensor RowFriendly(Tensor t)
    {
        if (t.Rank == 0) return t;
        int inner = t.StrideSpan[^1];
        return inner == 0 || inner == 1 || t.ShapeSpan[^1] == 1 ? t : t.Detach().Contiguous();
    }
}
