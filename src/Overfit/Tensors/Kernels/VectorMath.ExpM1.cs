using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// SIMD e^x − 1 (torch.expm1) for Float32 and Float64, under ELU. The reduction of <see cref="Exp{T}(Vector{T})"/>,
/// x = n·ln 2 + r with |r| ≤ ln 2 / 2, then e^r − 1 = r + r²·P(r) from its Taylor polynomial (to r⁷ for Float32, r¹³
/// for Float64), and e^x − 1 = 2ⁿ·(e^r − 1) + (2ⁿ − 1) with one rounding (2ⁿ − 1 is exact while n is small, and
/// rounds away only where 2ⁿ swamps it). So small x keeps its digits: e^x − 1 written as exp minus one (what
/// TensorPrimitives.ExpM1 computes) loses them all near 0, and gave +1.2e−7 for x = −1e−30 in Float32.
/// Beyond |x| = 80 (Float32) or 700 (Float64), and for NaN, the vector takes e^x − 1 itself, which is then exact
/// to rounding: −1, e^x or ∞. ±0 give ±0. Within 2 ulp (Float32) and 4 ulp (Float64) of the exact value (ExpM1Tests).
/// </summary>
internal static partial class VectorMath
{
    /// <summary>e^x − 1 on 512-bit lanes (call only where <see cref="Vector512.IsHardwareAccelerated"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExpM1<T>(Vector512<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return ExpM1Single<Vector512<float>, Lanes512<float>>(v.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return ExpM1Double<Vector512<double>, Lanes512<double>>(v.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>e^x − 1 on <see cref="Vector{T}"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> ExpM1<T>(Vector<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return ExpM1Single<Vector<float>, VectorLanes<float>>(v.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return ExpM1Double<Vector<double>, VectorLanes<double>>(v.As<T, double>()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpM1Single<TV, L>(TV x) where TV : struct where L : ILanes<TV, float>
    {
        var limit = L.Broadcast(80f);
        var c = L.MinNative(L.MaxNative(x, L.Broadcast(-80f)), limit);
        var r = ReduceSingle<TV, L>(c, out var n);
        // P(r) = 1/2 + r/6 + … + r⁵/5040, so that r + r²·P(r) reaches r⁷ (remainder below 2⁻²⁶ relative).
        var p = L.Fma(r, L.Broadcast(1f / 5040), L.Broadcast(1f / 720));
        p = L.Fma(p, r, L.Broadcast(1f / 120));
        p = L.Fma(p, r, L.Broadcast(1f / 24));
        p = L.Fma(p, r, L.Broadcast(1f / 6));
        p = L.Fma(p, r, L.Broadcast(0.5f));
        var result = Combine<TV, L, float>(x, n, L.Fma(L.Multiply(r, r), p, r));
        return L.AllLessThanOrEqual(L.Abs(x), limit) ? result : FarSingle<TV, L>(x, c, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpM1Double<TV, L>(TV x) where TV : struct where L : ILanes<TV, double>
    {
        var limit = L.Broadcast(700.0);
        var c = L.MinNative(L.MaxNative(x, L.Broadcast(-700.0)), limit);
        var r = ReduceDouble<TV, L>(c, out var n);
        // P(r) = 1/2 + r/6 + … + r¹¹/13!, so that r + r²·P(r) reaches r¹³; Estrin's scheme as in ExpDouble.
        var r2 = L.Multiply(r, r);
        var r4 = L.Multiply(r2, r2);
        var e0 = L.Fma(r, L.Broadcast(1.0 / 6), L.Broadcast(0.5));
        var e1 = L.Fma(r, L.Broadcast(1.0 / 120), L.Broadcast(1.0 / 24));
        var e2 = L.Fma(r, L.Broadcast(1.0 / 5040), L.Broadcast(1.0 / 720));
        var e3 = L.Fma(r, L.Broadcast(1.0 / 362880), L.Broadcast(1.0 / 40320));
        var e4 = L.Fma(r, L.Broadcast(1.0 / 39916800), L.Broadcast(1.0 / 3628800));
        var e5 = L.Fma(r, L.Broadcast(1.0 / 6227020800), L.Broadcast(1.0 / 479001600));
        var f0 = L.Fma(r2, e1, e0);
        var f1 = L.Fma(r2, e3, e2);
        var f2 = L.Fma(r2, e5, e4);
        var p = L.Fma(L.Multiply(r4, r4), f2, L.Fma(r4, f1, f0));
        var result = Combine<TV, L, double>(x, n, L.Fma(r2, p, r));
        return L.AllLessThanOrEqual(L.Abs(x), limit) ? result : FarDouble<TV, L>(x, c, result);
    }

    /// <summary>2ⁿ·m + (2ⁿ − 1) for m = e^r − 1 (x = −0 reduces to r = +0 and keeps its sign here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Combine<TV, L, T>(TV x, TV n, TV m) where TV : struct where L : ILanes<TV, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = L.PowerOfTwo(n);
        return L.Select(L.IsEqual(x, L.Broadcast(T.Zero)), x, L.Fma(s, m, L.Subtract(s, L.Broadcast(T.One))));
    }

    /// <summary>e^x − 1 as exp minus one in the lanes beyond the limit or NaN (rare, so kept out of the loop's code).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV FarSingle<TV, L>(TV x, TV clamped, TV result) where TV : struct where L : ILanes<TV, float>
        => L.Select(L.IsEqual(x, clamped), result, L.Subtract(ExpSingle<TV, L>(x), L.Broadcast(1f)));

    /// <summary>The Float64 twin of <see cref="FarSingle{TV, L}"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV FarDouble<TV, L>(TV x, TV clamped, TV result) where TV : struct where L : ILanes<TV, double>
        => L.Select(L.IsEqual(x, clamped), result, L.Subtract(ExpDouble<TV, L>(x), L.Broadcast(1.0)));
}

/// <summary>e^x − 1 elementwise on <see cref="VectorMath.ExpM1{T}(Vector{T})"/>, 512-bit lanes where the hardware has them.</summary>
internal readonly struct ExpM1Op<T> : IWideUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => VectorMath.ExpM1(new Vector<T>(x))[0];
    public Vector<T> Invoke(Vector<T> x) => VectorMath.ExpM1(x);
    public Vector512<T> Invoke(Vector512<T> x) => VectorMath.ExpM1(x);
}
