using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Overfit.Tensors.Kernels;

/// <summary>A unary elementwise op as an operator struct over contiguous spans.</summary>
internal interface IUnaryKernel
{
    static abstract void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;
}

internal readonly struct NegKernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, d); }
internal readonly struct ExpKernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.MapWide(new ExpOp<T>(), x, d); }
internal readonly struct LogKernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, d); }
internal readonly struct SqrtKernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, d); }
internal readonly struct AbsKernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, d); }
internal readonly struct TanhKernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Map(new TanhOp<T>(), x, d); }
internal readonly struct SigmoidKernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.MapWide(new SigmoidOp<T>(), x, d); }
internal readonly struct SinKernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sin(x, d); }
internal readonly struct CosKernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Cos(x, d); }

/// <summary>max(x, 0); NaN stays NaN.</summary>
internal readonly struct ReluKernel : IUnaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, d);
}

/// <summary>e^x − 1 without the cancellation near 0 (<see cref="ExpM1Op{T}"/>).</summary>
internal readonly struct ExpM1Kernel : IUnaryKernel { public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.MapWide(new ExpM1Op<T>(), x, d); }

/// <summary>
/// Softplus log(1 + e^x) computed stably as max(x, 0) + log1p(e^−|x|) in one SIMD pass; the log1p keeps full
/// relative accuracy where e^x is far below 1 (softplus(−20) ≈ 2.06e−9, not 0).
/// </summary>
internal readonly struct SoftplusKernel : IUnaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Map(new SoftplusOp<T>(), x, d);
}

/// <summary>Exact GELU: x Φ(x) (<see cref="GeluSingleOp"/> on Float32 lanes, <see cref="GeluOp"/> for Float64).</summary>
internal readonly struct GeluKernel : IUnaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            if (GeluSingleTable.IsSupported) GeluSingleTable.Map(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(d));
            else VectorLoops.MapWide(new GeluSingleOp(), MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(d));
        }
        else Activations.Apply(new GeluOp(false), x, d);
    }
}

/// <summary>Derivative of exact GELU: Φ(x) + x φ(x) (<see cref="GeluDerivativeSingleOp"/> for Float32, <see cref="GeluDerivativeOp"/> for Float64).</summary>
internal readonly struct GeluDerivativeKernel : IUnaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) VectorLoops.MapWide(new GeluDerivativeSingleOp(), MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(d));
        else Activations.Apply(new GeluDerivativeOp(false), x, d);
    }
}
