using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// SIMD e^x for Float32 and Float64 (the one exp under every kernel here: exp itself, sigmoid, tanh, softplus,
/// GELU, softmax). Cody–Waite reduction x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two, the first
/// product exact inside an FMA), e^r from its Taylor polynomial (degree 7 for Float32: remainder below 2⁻²⁸;
/// degree 13 for Float64: below 2⁻⁵⁸), then the scaling by 2ⁿ in two halves, 2^⌊n/2⌋ · 2^(n − ⌊n/2⌋), so that
/// e^x just below the overflow threshold does not overflow early and subnormal results are rounded once.
/// x is first clamped to a range where the result is already ∞ or 0 at the ends, NaN passes through.
/// Measured against <see cref="Math.Exp"/>: ≤ 1 ulp in Float32, ≤ 1 ulp in Float64 (TranscendentalUlpTests).
/// Own code rather than <see cref="Vector.Exp(Vector{float})"/> or TensorPrimitives.Exp: for Float32 those settled
/// in code the JIT never replaced by its optimized tier (3–10× slower at 1M elements, fine only with tiered
/// compilation off). Written once over <see cref="ILanes{TV, T}"/>, for <see cref="Vector{T}"/> (256-bit here) and
/// <see cref="Vector512{T}"/>.
/// </summary>
internal static partial class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ExpSingle<Vector<float>, VectorLanes<float>>(v.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return ExpDouble<Vector<double>, VectorLanes<double>>(v.As<T, double>()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary><see cref="Exp{T}(Vector{T})"/> on 512-bit lanes (call only where <see cref="Vector512.IsHardwareAccelerated"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp<T>(Vector512<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ExpSingle<Vector512<float>, Lanes512<float>>(v.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return ExpDouble<Vector512<double>, Lanes512<double>>(v.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>Scalar twin of <see cref="Exp{T}(Vector{T})"/> (the same arithmetic on one lane), for the tails of SIMD loops.</summary>
    public static T Exp<T>(T x) where T : unmanaged => Exp(new Vector<T>(x))[0];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpSingle<TV, L>(TV x) where TV : struct where L : ILanes<TV, float>
    {
        // e^89 overflows and e^−104 rounds to 0 (below half the smallest subnormal, 2^−150).
        var c = L.MinNative(L.MaxNative(x, L.Broadcast(-104f)), L.Broadcast(89f));
        var r = ReduceSingle<TV, L>(c, out var n);
        return Reconstruct<TV, L, float>(x, n, r, HighSingle<TV, L>(r), 87f);
    }

    /// <summary>Cody–Waite reduction c = n·ln 2 + r, |r| ≤ ln 2 / 2, for Float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ReduceSingle<TV, L>(TV c, out TV n) where TV : struct where L : ILanes<TV, float>
    {
        n = L.Round(L.Multiply(c, L.Broadcast(1.44269504f)));
        // ln 2 = Ln2Hi + Ln2Lo: Ln2Hi is ln 2 rounded to float, Ln2Lo the rest.
        var r = L.Fma(n, L.Broadcast(-0.693147182f), c);
        return L.Fma(n, L.Broadcast(1.90465432e-9f), r);
    }

    /// <summary>The r⁴ to r⁷ part of e^r's Taylor polynomial over r⁴, in two independent FMAs (Estrin's scheme).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV HighSingle<TV, L>(TV r) where TV : struct where L : ILanes<TV, float>
    {
        var e0 = L.Fma(r, L.Broadcast(1f / 120), L.Broadcast(1f / 24));
        var e1 = L.Fma(r, L.Broadcast(1f / 5040), L.Broadcast(1f / 720));
        return L.Fma(L.Multiply(r, r), e1, e0);
    }

    /// <summary>
    /// (f + fLo)·e^(c + lo) in Float32, for −113 ≤ c ≤ 0, |lo| ≤ 2⁻¹⁰ and |fLo| ≤ 2⁻²⁰·|f| (GELU's x·Q(a)·e^(−a²/2),
    /// a² split as hi + lo, x·Q as a rounded value and its error): the small lo joins the reduced argument r, and
    /// f·e^r = f + (f·r·p + fLo) with p = (e^r − 1)/r is rounded once at the end, so the product costs about one
    /// rounding instead of the four of e^c, e^c·(1 + lo), x·Q and x·Q·e. |f·e^c| must stay below 2¹²⁶; subnormal
    /// results are rounded once (scaling in two halves where some lane needs it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpScaled<TV, L>(TV c, TV lo, TV f, TV fLo) where TV : struct where L : ILanes<TV, float>
    {
        var r = L.Add(ReduceSingle<TV, L>(c, out var n), lo);
        var p = L.Fma(HighSingle<TV, L>(r), r, L.Broadcast(1f / 6));
        p = L.Fma(p, r, L.Broadcast(0.5f));
        p = L.Fma(p, r, L.Broadcast(1f));
        var m = L.Add(f, L.Fma(L.Multiply(f, r), p, fLo));
        if (L.AllGreaterThanOrEqual(n, L.Broadcast(-125f))) return L.Multiply(m, L.PowerOfTwo(n));
        var n1 = L.Floor(L.Multiply(n, L.Broadcast(0.5f)));
        return L.Multiply(L.Multiply(m, L.PowerOfTwo(n1)), L.PowerOfTwo(L.Subtract(n, n1)));
    }

    /// <summary>
    /// The end both exps share: e^r = 1 + r + r²/2 + r³/6 + r⁴·<paramref name="high"/> by Horner's rule, then the
    /// scaling by 2ⁿ: in one step when every lane's result is a normal number (|x| ≤ <paramref name="normalLimit"/>;
    /// NaN fails the test), else in two halves, with NaN passed through.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Reconstruct<TV, L, T>(TV x, TV n, TV r, TV high, T normalLimit) where TV : struct where L : ILanes<TV, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        var one = L.Broadcast(T.One);
        var p = L.Fma(high, r, L.Broadcast(T.CreateTruncating(1.0 / 6)));
        p = L.Fma(p, r, L.Broadcast(T.CreateTruncating(0.5)));
        p = L.Fma(p, r, one);
        p = L.Fma(p, r, one);
        if (L.AllLessThanOrEqual(L.Abs(x), L.Broadcast(normalLimit))) return L.Multiply(p, L.PowerOfTwo(n));
        var n1 = L.Floor(L.Multiply(n, L.Broadcast(T.CreateTruncating(0.5))));
        var e = L.Multiply(L.Multiply(p, L.PowerOfTwo(n1)), L.PowerOfTwo(L.Subtract(n, n1)));
        return L.Select(L.IsEqual(x, x), e, x);
    }

    /// <summary>Cody–Waite reduction c = n·ln 2 + r, |r| ≤ ln 2 / 2, for Float64 (ln 2 as a double and the rest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ReduceDouble<TV, L>(TV c, out TV n) where TV : struct where L : ILanes<TV, double>
    {
        n = L.Round(L.Multiply(c, L.Broadcast(1.4426950408889634)));
        var r = L.Fma(n, L.Broadcast(-0.6931471805599453), c);
        return L.Fma(n, L.Broadcast(-2.3190468138462996e-17), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpDouble<TV, L>(TV x) where TV : struct where L : ILanes<TV, double>
    {
        // e^710 overflows and e^−746 rounds to 0 (below half the smallest subnormal, 2^−1075).
        var c = L.MinNative(L.MaxNative(x, L.Broadcast(-746.0)), L.Broadcast(710.0));
        var r = ReduceDouble<TV, L>(c, out var n);
        // Degree 13 is a long chain of dependent FMAs: the terms from r⁴ on go by Estrin's scheme (four FMAs deep
        // instead of ten), the last four by Horner's rule, which keeps the rounding of the leading terms as small.
        var r2 = L.Multiply(r, r);
        var r4 = L.Multiply(r2, r2);
        var e0 = L.Fma(r, L.Broadcast(1.0 / 120), L.Broadcast(1.0 / 24));
        var e1 = L.Fma(r, L.Broadcast(1.0 / 5040), L.Broadcast(1.0 / 720));
        var e2 = L.Fma(r, L.Broadcast(1.0 / 362880), L.Broadcast(1.0 / 40320));
        var e3 = L.Fma(r, L.Broadcast(1.0 / 39916800), L.Broadcast(1.0 / 3628800));
        var e4 = L.Fma(r, L.Broadcast(1.0 / 6227020800), L.Broadcast(1.0 / 479001600));
        var f0 = L.Fma(r2, e1, e0);
        var f1 = L.Fma(r2, e3, e2);
        var g0 = L.Fma(r4, f1, f0);
        return Reconstruct<TV, L, double>(x, n, r, L.Fma(L.Multiply(r4, r4), e4, g0), 708.0);
    }
}

/// <summary>e^x elementwise (torch.exp) on <see cref="VectorMath.Exp{T}(Vector{T})"/>, 512-bit lanes where the hardware has them.</summary>
internal readonly struct ExpOp<T> : IWideUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => VectorMath.Exp(x);
    public Vector<T> Invoke(Vector<T> x) => VectorMath.Exp(x);
    public Vector512<T> Invoke(Vector512<T> x) => VectorMath.Exp(x);
}
