using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Exact GELU x·Φ(x) on Float32 lanes, within 2 ulp of the correctly rounded result (TranscendentalUlpTests; the
/// double-lane <see cref="GeluOp"/> it replaces for Float32 data was 6× slower than PyTorch). Two pieces, both fitted
/// with float coefficients by tests/fixtures/reference/gelu/fit_gelu_float32.py:
/// <list type="bullet">
/// <item>|x| &lt; 1/2: Φ(x) = 1/2 + x·P(x²), P of degree 6 (no cancellation: |x·P| ≤ 0.19).</item>
/// <item>Otherwise, with a = |x|: Φ(−a) = Q(a)·e^(−a²/2), Q = t·G(t) with t = 1/(1 + a) and G a degree-12
/// polynomial in t − C (G stays within [0.40, 0.52], so its rounding stays relative). Float32 has too few digits to
/// round t, G and the exponential each on its own: t carries its rounding error along (1 + a is summed exactly as
/// hi + lo, and the division's remainder comes from an FMA), G's last step keeps its rounding error, a² is split
/// exactly (FMA) into hi + lo, and the factor x·Q (or Q for x ≥ 0) enters the exponential before its last
/// rounding (<see cref="VectorMath.ExpScaled{TV, L}"/>). x·Q is taken before e^(−a²/2) because Φ(−a) itself is subnormal
/// where x·Φ(x) is not. For x ≥ 0 the result is x − x·Φ(−a).</item>
/// </list>
/// x = +∞ gives +∞; x = −∞ and NaN give NaN, as in PyTorch and the Float64 op.
/// On 512-bit lanes, vectors with every |x| &lt; 4 take the much cheaper table path instead (<see cref="GeluSingleTable"/>).
/// </summary>
internal readonly struct GeluSingleOp : IWideUnaryOp<float>
{
    private const float Switch = 0.5f;
    private const float Center = 0.3655914068222046f;
    private const float G0 = 0.5096875429153442f;
    private const float G0Lo = -7.768576892885903e-09f;

    // G in powers of t − Center, highest first down to the linear term (the constant is G0 + G0Lo).
    private static readonly float[] s_g =
    [
        28.133386611938477f, -12.166243553161621f, -7.160090446472168f, 6.835328578948975f, -2.534940481185913f,
        0.04043117165565491f, 0.9998981952667236f, -0.9485448002815247f, 0.3483542203903198f, 0.22675171494483948f,
        -0.42641982436180115f, 0.15284879505634308f,
    ];

    // P in powers of x², highest first: Φ(x) − 1/2 = x·P(x²) on |x| ≤ 1/2.
    private static readonly float[] s_p =
    [
        6.308370075203129e-07f, -9.432655133423395e-06f, 0.00011543264554347843f, -0.001187328016385436f,
        0.009973556734621525f, -0.06649038195610046f, 0.3989422917366028f,
    ];

    // One value goes through the same lanes as a full vector would, so a result does not depend on its position.
    public float Invoke(float x) => GeluSingleTable.IsSupported ? Invoke(Vector512.Create(x))[0] : Invoke(new Vector<float>(x))[0];

    public Vector<float> Invoke(Vector<float> x) => Gelu<Vector<float>, VectorLanes<float>>(x);

    public Vector512<float> Invoke(Vector512<float> x)
    {
        // The table path where every lane is below its limit (NaN is not), the general one otherwise.
        if (GeluSingleTable.IsSupported)
        {
            var a = Vector512.Abs(x);
            if (Vector512.LessThanAll(a, Vector512.Create(GeluSingleTable.Limit))) return GeluSingleTable.Gelu(x, a);
        }
        return Gelu<Vector512<float>, Lanes512<float>>(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Gelu<TV, L>(TV x) where TV : struct where L : ILanes<TV, float>
    {
        var a = L.Abs(x);
        var limit = L.Broadcast(Switch);
        // Each piece is evaluated only when some lane needs it (NaN counts as large, where it propagates).
        if (L.AllLessThan(a, limit)) return Small<TV, L>(x);
        var large = Large<TV, L>(x, a);
        if (!L.AnyLessThan(a, limit)) return large;
        return L.Select(L.LessThan(a, limit), Small<TV, L>(x), large);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Small<TV, L>(TV x) where TV : struct where L : ILanes<TV, float>
        => L.Multiply(x, L.Fma(x, LanePolynomial.Horner<TV, L, float>(s_p, L.Multiply(x, x)), L.Broadcast(0.5f)));

    // Not inlined: inside the caller's loop the profile-guided recompilation ran out of inlining budget and made the
    // whole op 30 % slower than its first optimized code (2.1 against 1.6 ms at 1M elements); as its own method it
    // keeps a full budget for the lane operations, at the cost of a call per vector.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV Large<TV, L>(TV x, TV a) where TV : struct where L : ILanes<TV, float>
    {
        var one = L.Broadcast(1f);
        // s + sLo = 1 + a exactly (Fast2Sum of the larger and the smaller); t + tLo = 1/(1 + a) to about 2⁻⁴⁸.
        var big = L.MaxNative(a, one);
        var little = L.MinNative(a, one);
        var s = L.Add(big, little);
        var sLo = L.Subtract(little, L.Subtract(s, big));
        var t = L.Divide(one, s);
        var remainder = L.Fma(L.Subtract(default, t), sLo, L.Fma(L.Subtract(default, t), s, one));
        var tLo = L.Multiply(remainder, t);
        var u = L.Subtract(t, L.Broadcast(Center));
        var r = LanePolynomial.Horner<TV, L, float>(s_g, u);
        var g = L.Fma(r, u, L.Broadcast(G0));
        var gLo = L.Add(L.Fma(r, u, L.Subtract(L.Broadcast(G0), g)), L.Broadcast(G0Lo));
        // The factor x·Q for x < 0 (Q for x ≥ 0) as f + fLo: (x·t)·G with both products' rounding errors carried.
        var negative = L.LessThan(x, default);
        var xs = L.Select(negative, x, one);
        var xt = L.Multiply(xs, t);
        var xtLo = L.Fma(xs, tLo, L.Fma(xs, t, L.Subtract(default, xt)));
        var f = L.Multiply(xt, g);
        var fLo = L.Fma(xt, gLo, L.Fma(xtLo, g, L.Fma(xt, g, L.Subtract(default, f))));
        // a² = hi + lo exactly; beyond a = 15 e^(−a²/2) is 0 in float anyway, and the clamp keeps hi finite.
        var ac = L.MinNative(a, L.Broadcast(15f));
        var hi = L.Multiply(ac, ac);
        var lo = L.Fma(ac, ac, L.Subtract(default, hi));
        var half = L.Broadcast(-0.5f);
        var m = VectorMath.ExpScaled<TV, L>(L.Multiply(hi, half), L.Multiply(lo, half), f, fLo);
        var positive = L.Fma(L.Subtract(default, x), m, x);
        // x = +∞: Φ(−a) is NaN here (t·∞ terms) and x − x·Φ(−a) would be NaN.
        positive = L.Select(L.IsEqual(x, L.Broadcast(float.PositiveInfinity)), x, positive);
        return L.Select(negative, m, positive);
    }
}

/// <summary>
/// The derivative of Float32 GELU, Φ(x) + x·φ(x): on 512-bit lanes from <see cref="GeluSingleTable.Derivative"/> where
/// every lane has |x| &lt; 4; otherwise (and without 512-bit lanes) <see cref="GeluDerivativeOp"/> in double on widened
/// lanes, rounded once at the end.
/// </summary>
internal readonly struct GeluDerivativeSingleOp : IWideUnaryOp<float>
{
    private static readonly GeluDerivativeOp Widened = new(true);

    // One value goes through the same lanes as a full vector would, so a result does not depend on its position.
    public float Invoke(float x) => GeluSingleTable.IsSupported ? Invoke(Vector512.Create(x))[0] : (float)Widened.Invoke((double)x);

    public Vector<float> Invoke(Vector<float> x)
    {
        Vector.Widen(x, out var lo, out var hi);
        return Vector.Narrow(Widened.Invoke(lo), Widened.Invoke(hi));
    }

    public Vector512<float> Invoke(Vector512<float> x)
    {
        if (GeluSingleTable.IsSupported)
        {
            var a = Vector512.Abs(x);
            if (Vector512.LessThanAll(a, Vector512.Create(GeluSingleTable.Limit))) return GeluSingleTable.Derivative(x, a);
        }
        return General(x);
    }

    /// <summary>A vector with some |x| ≥ 4, ±∞ or NaN, in double (rare: kept out of the loop's code).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<float> General(Vector512<float> x)
    {
        Span<float> values = stackalloc float[Vector512<float>.Count];
        x.CopyTo(values);
        Activations.MapWidened(Widened, values, values);
        return Vector512.Create((ReadOnlySpan<float>)values);
    }
}

/// <summary>The GELU gradient g·(Φ(x) + x·φ(x)) for Float32 data, from x and the incoming gradient g (<see cref="GeluDerivativeSingleOp"/>).</summary>
internal readonly struct GeluGradSingleOp : IWideBinaryOp<float>
{
    public float Invoke(float x, float g) => g * new GeluDerivativeSingleOp().Invoke(x);
    public Vector<float> Invoke(Vector<float> x, Vector<float> g) => g * new GeluDerivativeSingleOp().Invoke(x);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => g * new GeluDerivativeSingleOp().Invoke(x);
}
