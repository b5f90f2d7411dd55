using System.Numerics;
using System.Runtime.CompilerServices;

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
/// compilation off). Written for <see cref="Vector{T}"/> (256-bit lanes here), which is why Float64
/// TensorPrimitives.Exp, on 512-bit lanes, is still about 2× faster on a bare exp.
/// </summary>
internal static partial class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ExpSingle(v.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return ExpDouble(v.As<T, double>()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>Scalar twin of <see cref="Exp{T}(Vector{T})"/> (the same arithmetic on one lane), for the tails of SIMD loops.</summary>
    public static T Exp<T>(T x) where T : unmanaged => Exp(new Vector<T>(x))[0];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpSingle(Vector<float> x)
    {
        // e^89 overflows and e^−104 rounds to 0 (below half the smallest subnormal, 2^−150).
        var c = Vector.MinNative(Vector.MaxNative(x, new Vector<float>(-104f)), new Vector<float>(89f));
        var r = ReduceSingle(c, out var n);
        return Reconstruct(x, n, r, HighSingle(r), 87f);
    }

    /// <summary>Cody–Waite reduction c = n·ln 2 + r, |r| ≤ ln 2 / 2, for Float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ReduceSingle(Vector<float> c, out Vector<float> n)
    {
        n = Vector.Round(c * new Vector<float>(1.44269504f));
        // ln 2 = Ln2Hi + Ln2Lo: Ln2Hi is ln 2 rounded to float, Ln2Lo the rest.
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-0.693147182f), c);
        return Vector.FusedMultiplyAdd(n, new Vector<float>(1.90465432e-9f), r);
    }

    /// <summary>The r⁴ to r⁷ part of e^r's Taylor polynomial over r⁴, in two independent FMAs (Estrin's scheme).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> HighSingle(Vector<float> r)
    {
        var e0 = Vector.FusedMultiplyAdd(r, new Vector<float>(1f / 120), new Vector<float>(1f / 24));
        var e1 = Vector.FusedMultiplyAdd(r, new Vector<float>(1f / 5040), new Vector<float>(1f / 720));
        return Vector.FusedMultiplyAdd(r * r, e1, e0);
    }

    /// <summary>
    /// (f + fLo)·e^(c + lo) in Float32, for −113 ≤ c ≤ 0, |lo| ≤ 2⁻¹⁰ and |fLo| ≤ 2⁻²⁰·|f| (GELU's x·Q(a)·e^(−a²/2),
    /// a² split as hi + lo, x·Q as a rounded value and its error): the small lo joins the reduced argument r, and
    /// f·e^r = f + (f·r·p + fLo) with p = (e^r − 1)/r is rounded once at the end, so the product costs about one
    /// rounding instead of the four of e^c, e^c·(1 + lo), x·Q and x·Q·e. |f·e^c| must stay below 2¹²⁶; subnormal
    /// results are rounded once (scaling in two halves where some lane needs it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpScaled(Vector<float> c, Vector<float> lo, Vector<float> f, Vector<float> fLo)
    {
        var r = ReduceSingle(c, out var n) + lo;
        var p = Vector.FusedMultiplyAdd(HighSingle(r), r, new Vector<float>(1f / 6));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.5f));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        var m = f + Vector.FusedMultiplyAdd(f * r, p, fLo);
        if (Vector.GreaterThanOrEqualAll(n, new Vector<float>(-125f))) return m * PowerOfTwo(n);
        var n1 = Vector.Floor(n * new Vector<float>(0.5f));
        return m * PowerOfTwo(n1) * PowerOfTwo(n - n1);
    }

    /// <summary>
    /// The end both exps share: e^r = 1 + r + r²/2 + r³/6 + r⁴·<paramref name="high"/> by Horner's rule, then the
    /// scaling by 2ⁿ: in one step when every lane's result is a normal number (|x| ≤ <paramref name="normalLimit"/>;
    /// NaN fails the test), else in two halves, with NaN passed through.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Reconstruct<T>(Vector<T> x, Vector<T> n, Vector<T> r, Vector<T> high, T normalLimit) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = Fma(high, r, new Vector<T>(T.CreateTruncating(1.0 / 6)));
        p = Fma(p, r, new Vector<T>(T.CreateTruncating(0.5)));
        p = Fma(p, r, Vector<T>.One);
        p = Fma(p, r, Vector<T>.One);
        if (Vector.LessThanOrEqualAll(Vector.Abs(x), new Vector<T>(normalLimit))) return p * PowerOfTwo(n);
        var n1 = Floor(n * new Vector<T>(T.CreateTruncating(0.5)));
        var e = p * PowerOfTwo(n1) * PowerOfTwo(n - n1);
        return Vector.ConditionalSelect(Vector.Equals(x, x), e, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Floor<T>(Vector<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector.Floor(v.As<T, float>()).As<float, T>();
        return Vector.Floor(v.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> PowerOfTwo<T>(Vector<T> k) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return PowerOfTwo(k.As<T, float>()).As<float, T>();
        return PowerOfTwo(k.As<T, double>()).As<double, T>();
    }

    /// <summary>
    /// 2^k for integral k with −126 ≤ k ≤ 127, built in floating point: k + (127 + 2²³) holds the biased exponent
    /// k + 127 in its low mantissa bits, which a shift by 23 moves into the exponent field (dropping the rest).
    /// No float-to-int conversion: with one, the precompiled library code stayed in the loop, 2× slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> PowerOfTwo(Vector<float> k) => Vector.ShiftLeft((k + new Vector<float>(127 + 8388608f)).As<float, int>(), 23).As<int, float>();

    /// <summary>2^k for integral k with −1022 ≤ k ≤ 1023 (as the Float32 version, with 1023 + 2⁵² and a shift by 52).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> PowerOfTwo(Vector<double> k) => Vector.ShiftLeft((k + new Vector<double>(1023 + 4503599627370496.0)).As<double, long>(), 52).As<long, double>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> ExpDouble(Vector<double> x)
    {
        // e^710 overflows and e^−746 rounds to 0 (below half the smallest subnormal, 2^−1075).
        var c = Vector.MinNative(Vector.MaxNative(x, new Vector<double>(-746.0)), new Vector<double>(710.0));
        var n = Vector.Round(c * new Vector<double>(1.4426950408889634));
        var r = Vector.FusedMultiplyAdd(n, new Vector<double>(-0.6931471805599453), c);
        r = Vector.FusedMultiplyAdd(n, new Vector<double>(-2.3190468138462996e-17), r);
        // Degree 13 is a long chain of dependent FMAs: the terms from r⁴ on go by Estrin's scheme (four FMAs deep
        // instead of ten), the last four by Horner's rule, which keeps the rounding of the leading terms as small.
        var r2 = r * r;
        var r4 = r2 * r2;
        var e0 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 120), new Vector<double>(1.0 / 24));
        var e1 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 5040), new Vector<double>(1.0 / 720));
        var e2 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 362880), new Vector<double>(1.0 / 40320));
        var e3 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 39916800), new Vector<double>(1.0 / 3628800));
        var e4 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 6227020800), new Vector<double>(1.0 / 479001600));
        var f0 = Vector.FusedMultiplyAdd(r2, e1, e0);
        var f1 = Vector.FusedMultiplyAdd(r2, e3, e2);
        var g0 = Vector.FusedMultiplyAdd(r4, f1, f0);
        return Reconstruct(x, n, r, Vector.FusedMultiplyAdd(r4 * r4, e4, g0), 708.0);
    }
}

/// <summary>e^x elementwise (torch.exp) on <see cref="VectorMath.Exp{T}(Vector{T})"/>.</summary>
internal readonly struct ExpOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => VectorMath.Exp(x);
    public Vector<T> Invoke(Vector<T> x) => VectorMath.Exp(x);
}
