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
}

internal readonly struct StaticRows<TK, T> : IRowKernel<T> where TK : struct, IBinaryKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TK.Apply(x, y, d);
    public void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => TK.Apply(x, y, d);
    public void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => TK.Apply(x, y, d);
}

internal readonly struct OpRows<TOp, T>(TOp op) : IRowKernel<T> where TOp : struct, IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => VectorLoops.Map(op, x, y, d);
    public void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => VectorLoops.Map(op, x, y, d);
    public void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => VectorLoops.Map(op, x, y, d);
}

/// <summary>Runs a binary kernel over two tensors with NumPy broadcasting, one inner row at a time.</summary>
internal static class Broadcasting
{
    public static Tensor Binary<TK>(Tensor a, Tensor b, string op) where TK : struct, IBinaryKernel
        => Binary(a, b, new StaticRows<TK, float>(), new StaticRows<TK, double>(), op);

    /// <summary>Broadcasts an op instance (one per dtype, since ops may carry parameters of their element type).</summary>
    public static Tensor BinaryOp<TF, TD>(Tensor a, Tensor b, TF opF, TD opD, string op) where TF : struct, IBinaryOp<float> where TD : struct, IBinaryOp<double>
        => Binary(a, b, new OpRows<TF, float>(opF), new OpRows<TD, double>(opD), op);

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
        if (a.IsContiguous && b.IsContiguous && ShapeUtil.SameShape(a.ShapeSpan, b.ShapeSpan))
        {
            kernel.Apply(a.AsSpan<T>(), b.AsSpan<T>(), dst);
            return;
        }
        if (b.Numel == 1 && a.IsContiguous && a.Numel == result.Numel) { kernel.Apply(a.AsSpan<T>(), b.Data<T>()[b.Offset], dst); return; }
        if (a.Numel == 1 && b.IsContiguous && b.Numel == result.Numel) { kernel.Apply(a.Data<T>()[a.Offset], b.AsSpan<T>(), dst); return; }

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

    private static Tensor RowFriendly(Tensor t)
    {
        if (t.Rank == 0) return t;
        int inner = t.StrideSpan[^1];
        return inner == 0 || inner == 1 || t.ShapeSpan[^1] == 1 ? t : t.Detach().Contiguous();
    }
}
