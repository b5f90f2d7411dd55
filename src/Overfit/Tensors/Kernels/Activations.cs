using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// SIMD tanh, sigmoid, softplus and GELU on the own exp (<see cref="VectorMath"/>), accurate to a few ulp over the
/// whole range, subnormal results and ±∞/NaN included (checked against <see cref="Math"/> by the ulp tests).
/// tanh, sigmoid, softplus and GELU (Float32: GeluSingle.cs) run in the data's own precision; the GELU derivative is
/// written once in double, which Float32 runs on widened lanes (rounding once at the end) for vectors its table path
/// (<see cref="GeluSingleTable"/>) does not cover.
/// </summary>
internal static class Activations
{
    /// <summary>Runs a double op over float data: widen each vector, apply, narrow (one rounding per result). Not inlined, as <see cref="VectorLoops"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MapWidened<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> d) where TOp : struct, IUnaryOp<double>
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i <= x.Length - w; i += w)
            {
                Vector.Widen(new Vector<float>(x.Slice(i)), out var lo, out var hi);
                Vector.Narrow(op.Invoke(lo), op.Invoke(hi)).CopyTo(d.Slice(i));
            }
        for (; i < x.Length; i++) d[i] = (float)op.Invoke((double)x[i]);
    }

    /// <summary>Applies a double op to spans of <typeparamref name="T"/> (float through widened lanes).</summary>
    public static void Apply<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged where TOp : struct, IUnaryOp<double>
    {
        if (typeof(T) == typeof(float)) MapWidened(op, MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(d));
        else VectorLoops.Map(op, MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(d));
    }

    /// <summary>Polynomial coefficients (highest power first) rounded to <typeparamref name="T"/>.</summary>
    public static T[] Constants<T>(params double[] c) where T : unmanaged, IFloatingPointIeee754<T> => [.. c.Select(T.CreateTruncating)];

    /// <summary>Horner's rule Σ c[i]·z^(n−1−i) with one FMA per coefficient, on <see cref="Vector{T}"/> (<see cref="LanePolynomial.Horner{TV, L, T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Horner<T>(T[] c, Vector<T> z) where T : unmanaged, IFloatingPointIeee754<T>
        => LanePolynomial.Horner<Vector<T>, VectorLanes<T>, T>(c, z);
}

/// <summary>
/// tanh: below |x| = s its Taylor series to x²³ (terms fall by (2x/π)² each, so the remainder is under 2⁻⁵⁴ at
/// s = 0.3 and under 2⁻³⁵ at s = 0.55), written as x + x·z·q(z) to keep the leading term exact; above,
/// (1 − e^−2|x|)/(1 + e^−2|x|) with the sign restored, where the cancellation in 1 − t magnifies the error of t by
/// t/(1 − t): 1.2 at s = 0.3 (Float64, 4 ulp allowed), 0.5 at s = 0.55 (Float32, 2 ulp allowed).
/// </summary>
internal readonly struct TanhOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Taylor coefficients of tanh after the leading x, highest first: the tangent numbers
    // T(2k+1)·2^(2k+2)(2^(2k+2)−1)/(2k+2)! with alternating signs.
    private static readonly T[] s_series = Activations.Constants<T>(-113927491862.0 / 2900518163668125, 18888466084.0 / 194896477400625,
        -443861162.0 / 1856156927625, 6404582.0 / 10854718875, -929569.0 / 638512875, 21844.0 / 6081075, -1382.0 / 155925,
        62.0 / 2835, -17.0 / 315, 2.0 / 15, -1.0 / 3);

    private static T Switch => T.CreateTruncating(typeof(T) == typeof(float) ? 0.55 : 0.3);

    public T Invoke(T x) => Invoke(new Vector<T>(x))[0];

    public Vector<T> Invoke(Vector<T> x)
    {
        var a = Vector.Abs(x);
        var isSmall = Vector.LessThan(a, new Vector<T>(Switch));
        // Each branch is evaluated only when some lane needs it (NaN counts as large, where it propagates).
        var mask = Vector.AsVectorByte(isSmall);
        var small = mask == Vector<byte>.Zero ? Vector<T>.Zero : Series(x);
        if (mask == Vector<byte>.AllBitsSet) return small;
        var t = VectorMath.Exp(-(a + a));
        var large = Vector.CopySign((Vector<T>.One - t) / (Vector<T>.One + t), x);
        return Vector.ConditionalSelect(isSmall, small, large);
    }

    private static Vector<T> Series(Vector<T> x)
    {
        var z = x * x;
        return VectorMath.Fma(x, z * Activations.Horner(s_series, z), x);
    }
}

/// <summary>
/// Logistic sigmoid as 1/(1 + e^−x) for x ≥ 0 and e^x/(1 + e^x) for x &lt; 0: the exponential never overflows
/// into the denominator, so far-negative inputs keep their tiny (even subnormal) values instead of flushing to 0.
/// </summary>
internal readonly struct SigmoidOp<T> : IWideUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => Invoke(new Vector<T>(x))[0];

    public Vector<T> Invoke(Vector<T> x) => Sigmoid<Vector<T>, VectorLanes<T>>(x, VectorMath.Exp(-Vector.Abs(x)));

    public Vector512<T> Invoke(Vector512<T> x) => Sigmoid<Vector512<T>, Lanes512<T>>(x, VectorMath.Exp(-Vector512.Abs(x)));

    /// <summary>The sigmoid from x and e = e^−|x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Sigmoid<TV, L>(TV x, TV e) where TV : struct where L : ILanes<TV, T>
    {
        var one = L.Broadcast(T.One);
        // NaN: e is NaN and both branches give NaN.
        return L.Divide(L.Select(L.GreaterThanOrEqual(x, L.Broadcast(T.Zero)), one, e), L.Add(one, e));
    }
}

/// <summary>
/// Softplus log(1 + e^x) computed stably as max(x, 0) + log1p(e^−|x|) in one SIMD pass; the log1p keeps full
/// relative accuracy where e^x is far below 1 (softplus(−20) ≈ 2.06e−9, not 0).
/// </summary>
internal readonly struct SoftplusOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => Invoke(new Vector<T>(x))[0];

    public Vector<T> Invoke(Vector<T> x)
    {
        var tail = VectorMath.Log1p(VectorMath.Exp(-Vector.Abs(x)));
        return Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, Vector<T>.Zero) + tail;
    }
}

/// <summary>
/// Exact GELU x·Φ(x) in double lanes, for Float64 data (Float32 data run <see cref="GeluSingleOp"/> on float lanes). With a = |x|,
/// Φ(−a) = e^(−a²/2)·Q(a), where Q(a) = Φ(−a)·e^(a²/2) = Mills ratio/√(2π) is smooth and slowly varying; Q is
/// t·G(t) with t = 4/(4 + a) and G a degree-22 polynomial, a Chebyshev fit with mpmath (relative error 4e−17 on
/// 0 ≤ a ≤ 38.7, beyond which e^(−a²/2) underflows; degree 11 for the Float32 derivative). a² is split exactly (FMA) into hi + lo so that e^(−a²/2) =
/// e^(−hi/2)·(1 − lo/2) keeps its digits for large a. Then GELU = x·Q·e^(−a²/2) for x &lt; 0 (no cancellation, subnormal
/// results included) and x − x·Φ(−a) for x ≥ 0. Measured against MathNet's erfc: see TranscendentalUlpTests.
/// </summary>
internal readonly struct GeluOp(bool forSingle) : IUnaryOp<double>
{
    private const double Scale = 4;

    // For the derivative on Float32 data a degree-11 G suffices (relative error 4.5e−10 on 0 ≤ a ≤ 14.5, where GELU underflows in float).
    private static readonly double[] s_gSingle =
    [
        -0.007300412122753893, 0.035675780771364074, -0.049917553570889964, -0.016750335972677284, 0.07956498055899405, -0.05567790543803374,
        0.09174581214097417, 0.04451262252093612, 0.08588943389652826, 0.09271621728230987, 0.099808778417448, 0.0997325814602126,
    ];

    // G(t) = Q(4(1/t − 1))/t in powers of t, highest first (fit script: tests/fixtures/reference/gelu/fit_gelu_q.py).
    private static readonly double[] s_g =
    [
        -0.0010012229644405892, 0.010961635827022156, -0.05363049271247352, 0.1516544084055798, -0.2629003512879425,
        0.2538807331920164, -0.030202351691472645, -0.29724310851355856, 0.497877616889154, -0.4819432417876891,
        0.3408651061924181, -0.18045621912006346, 0.06985784705552357, -0.03133872239543824, 0.0034366379718310585,
        0.005828547081838354, 0.023622336347069672, 0.043216400352317955, 0.06350623599757722, 0.08103495902550177,
        0.0935021062026947, 0.09973556982849689, 0.09973557010403689,
    ];

    public double Invoke(double x) => Invoke(new Vector<double>(x))[0];

    public Vector<double> Invoke(Vector<double> x)
    {
        var (q, e) = NormalTail(x, forSingle);
        var negative = x * q * e;
        var positive = Vector.FusedMultiplyAdd(-x, q * e, x);
        // x = +∞: Φ(−a) = 0 and x − x·0 would be NaN.
        positive = Vector.ConditionalSelect(Vector.Equals(x, new Vector<double>(double.PositiveInfinity)), x, positive);
        return Vector.ConditionalSelect(Vector.LessThan(x, Vector<double>.Zero), negative, positive);
    }

    /// <summary>
    /// A degree-11 polynomial (coefficients highest first) by Estrin's scheme: four FMAs deep instead of Horner's
    /// eleven, so the loop is not bound by the latency of one long chain (Float32 GELU was 8 ms at 1M elements so).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Estrin12(double[] c, Vector<double> t)
    {
        var t2 = t * t;
        var t4 = t2 * t2;
        var p01 = Vector.FusedMultiplyAdd(t, new Vector<double>(c[10]), new Vector<double>(c[11]));
        var p23 = Vector.FusedMultiplyAdd(t, new Vector<double>(c[8]), new Vector<double>(c[9]));
        var p45 = Vector.FusedMultiplyAdd(t, new Vector<double>(c[6]), new Vector<double>(c[7]));
        var p67 = Vector.FusedMultiplyAdd(t, new Vector<double>(c[4]), new Vector<double>(c[5]));
        var p89 = Vector.FusedMultiplyAdd(t, new Vector<double>(c[2]), new Vector<double>(c[3]));
        var p1011 = Vector.FusedMultiplyAdd(t, new Vector<double>(c[0]), new Vector<double>(c[1]));
        var q0 = Vector.FusedMultiplyAdd(t2, p23, p01);
        var q1 = Vector.FusedMultiplyAdd(t2, p67, p45);
        var q2 = Vector.FusedMultiplyAdd(t2, p1011, p89);
        return Vector.FusedMultiplyAdd(t4 * t4, q2, Vector.FusedMultiplyAdd(t4, q1, q0));
    }

    /// <summary>Q(a) and e^(−a²/2) for a = |x| (to Float32 accuracy only where <paramref name="forSingle"/>), so that Φ(−a) = Q·e and the normal density φ(x) = e/√(2π).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector<double> Q, Vector<double> E) NormalTail(Vector<double> x, bool forSingle)
    {
        var a = Vector.Abs(x);
        var t = new Vector<double>(Scale) / (new Vector<double>(Scale) + a);
        var q = t * (forSingle ? Estrin12(s_gSingle, t) : Activations.Horner(s_g, t));
        // Beyond a = 40, e^(−a²/2) is 0 anyway; the clamp keeps a² (and so hi − hi) finite.
        var ac = Vector.MinNative(a, new Vector<double>(40));
        var hi = ac * ac;
        var lo = Vector.FusedMultiplyAdd(ac, ac, -hi);
        var e = VectorMath.Exp(hi * new Vector<double>(-0.5));
        return (q, Vector.FusedMultiplyAdd(e, lo * new Vector<double>(-0.5), e));
    }
}

/// <summary>Derivative of exact GELU, Φ(x) + x·φ(x), on the same Φ(−|x|) = Q·e^(−x²/2) as <see cref="GeluOp"/>.</summary>
internal readonly struct GeluDerivativeOp(bool forSingle) : IUnaryOp<double>
{
    private static readonly double InvSqrt2Pi = 1 / Math.Sqrt(2 * Math.PI);

    public double Invoke(double x) => Invoke(new Vector<double>(x))[0];

    public Vector<double> Invoke(Vector<double> x)
    {
        var (q, e) = GeluOp.NormalTail(x, forSingle);
        var tail = q * e;
        var cdf = Vector.ConditionalSelect(Vector.LessThan(x, Vector<double>.Zero), tail, Vector<double>.One - tail);
        return Vector.FusedMultiplyAdd(x * e, new Vector<double>(InvSqrt2Pi), cdf);
    }
}

/// <summary>The GELU gradient g·(Φ(x) + x·φ(x)) for Float64 data, from x and the incoming gradient g (<see cref="GeluDerivativeOp"/>).</summary>
internal readonly struct GeluGradOp : IBinaryOp<double>
{
    private static readonly GeluDerivativeOp Derivative = new(false);

    public double Invoke(double x, double g) => g * Derivative.Invoke(x);
    public Vector<double> Invoke(Vector<double> x, Vector<double> g) => g * Derivative.Invoke(x);
}
