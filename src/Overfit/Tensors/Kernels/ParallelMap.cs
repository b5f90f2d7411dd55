namespace Overfit.Tensors.Kernels;

/// <summary>
/// Runs elementwise kernels over contiguous tensors, split across the cores (<see cref="KernelThreads"/>) when
/// the tensor is large enough for that to pay.
/// </summary>
internal static class ParallelMap
{
    /// <summary>dst = TK(src) for contiguous tensors of the same dtype and element count.</summary>
    public static void Unary<TK>(Tensor src, Tensor dst) where TK : struct, IUnaryKernel
    {
        int n = dst.Numel;
        if (n == 0) return; // some TensorPrimitives kernels reject empty spans
        int pieces = KernelThreads.Pieces(n);
        if (dst.DType == DType.Float32)
        {
            if (pieces == 1) TK.Apply<float>(src.AsSpan<float>(), dst.AsSpan<float>());
            else KernelThreads.For(n, pieces, (s, c) => TK.Apply<float>(src.AsSpan<float>().Slice(s, c), dst.AsSpan<float>().Slice(s, c)));
        }
        else
        {
            if (pieces == 1) TK.Apply<double>(src.AsSpan<double>(), dst.AsSpan<double>());
            else KernelThreads.For(n, pieces, (s, c) => TK.Apply<double>(src.AsSpan<double>().Slice(s, c), dst.AsSpan<double>().Slice(s, c)));
        }
    }

    /// <summary>dst = op(src) with an operator struct per dtype (ops may carry parameters of their element type).</summary>
    public static void Op<TF, TD>(TF opF, TD opD, Tensor src, Tensor dst) where TF : struct, IUnaryOp<float> where TD : struct, IUnaryOp<double>
    {
        int n = dst.Numel;
        int pieces = KernelThreads.Pieces(n);
        if (dst.DType == DType.Float32)
        {
            if (pieces == 1) VectorLoops.Map(opF, src.AsSpan<float>(), dst.AsSpan<float>());
            else KernelThreads.For(n, pieces, (s, c) => VectorLoops.Map(opF, src.AsSpan<float>().Slice(s, c), dst.AsSpan<float>().Slice(s, c)));
        }
        else
        {
            if (pieces == 1) VectorLoops.Map(opD, src.AsSpan<double>(), dst.AsSpan<double>());
            else KernelThreads.For(n, pieces, (s, c) => VectorLoops.Map(opD, src.AsSpan<double>().Slice(s, c), dst.AsSpan<double>().Slice(s, c)));
        }
    }

    /// <summary>dst = kernel(x, y) over contiguous same-length spans of a tensor's storage, split across the cores.</summary>
    public static void Binary<T, TK>(TK kernel, T[] x, int xOffset, T[] y, int yOffset, T[] dst, int dstOffset, int n)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TK : struct, IRowKernel<T>
    {
        int pieces = KernelThreads.Pieces(n);
        if (pieces == 1) kernel.Apply(x.AsSpan(xOffset, n), y.AsSpan(yOffset, n), dst.AsSpan(dstOffset, n));
        else KernelThreads.For(n, pieces, (s, c) => kernel.Apply(x.AsSpan(xOffset + s, c), y.AsSpan(yOffset + s, c), dst.AsSpan(dstOffset + s, c)));
    }

    /// <summary>dst = kernel(x, scalar) (or kernel(scalar, x) when <paramref name="scalarFirst"/>), split across the cores.</summary>
    public static void WithScalar<T, TK>(TK kernel, T[] x, int xOffset, T scalar, bool scalarFirst, T[] dst, int dstOffset, int n)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TK : struct, IRowKernel<T>
    {
        int pieces = KernelThreads.Pieces(n);
        if (pieces == 1)
        {
            if (scalarFirst) kernel.Apply(scalar, x.AsSpan(xOffset, n), dst.AsSpan(dstOffset, n));
            else kernel.Apply(x.AsSpan(xOffset, n), scalar, dst.AsSpan(dstOffset, n));
            return;
        }
        KernelThreads.For(n, pieces, (s, c) =>
        {
            if (scalarFirst) kernel.Apply(scalar, x.AsSpan(xOffset + s, c), dst.AsSpan(dstOffset + s, c));
            else kernel.Apply(x.AsSpan(xOffset + s, c), scalar, dst.AsSpan(dstOffset + s, c));
        });
    }
}
