using System.Numerics;
using System.Runtime.CompilerServices;

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
/// </summary>
internal readonly struct GeluSingleOp : IUnaryOp<float>
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

    public float Invoke(float x) => Invoke(new Vector<float>(x))[0];

    public Vector<float> Invoke(Vector<float> x)
    {
        var a = Vector.Abs(x);
        var isSmall = Vector.LessThan(a, new Vector<float>(Switch));
        // Each piece is evaluated only when some lane needs it (NaN counts as large, where it propagates).
        var mask = Vector.AsVectorInt32(isSmall);
        var small = mask == Vector<int>.Zero ? Vector<float>.Zero : Small(x);
        if (mask == Vector<int>.AllBitsSet) return small;
        return Vector.ConditionalSelect(isSmall, small, Large(x, a));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Small(Vector<float> x)
        => x * Vector.FusedMultiplyAdd(x, Activations.Horner(s_p, x * x), new Vector<float>(0.5f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Large(Vector<float> x, Vector<float> a)
    {
        var one = Vector<float>.One;
        // s + sLo = 1 + a exactly (Fast2Sum of the larger and the smaller); t + tLo = 1/(1 + a) to about 2⁻⁴⁸.
        var big = Vector.MaxNative(a, one);
        var little = Vector.MinNative(a, one);
        var s = big + little;
        var sLo = little - (s - big);
        var t = one / s;
        var remainder = Vector.FusedMultiplyAdd(-t, sLo, Vector.FusedMultiplyAdd(-t, s, one));
        var tLo = remainder * t;
        var u = t - new Vector<float>(Center);
        var r = Activations.Horner(s_g, u);
        var g = Vector.FusedMultiplyAdd(r, u, new Vector<float>(G0));
        var gLo = Vector.FusedMultiplyAdd(r, u, new Vector<float>(G0) - g) + new Vector<float>(G0Lo);
        // The factor x·Q for x < 0 (Q for x ≥ 0) as f + fLo: (x·t)·G with both products' rounding errors carried.
        var negative = Vector.LessThan(x, Vector<float>.Zero);
        var xs = Vector.ConditionalSelect(negative, x, one);
        var xt = xs * t;
        var xtLo = Vector.FusedMultiplyAdd(xs, tLo, Vector.FusedMultiplyAdd(xs, t, -xt));
        var f = xt * g;
        var fLo = Vector.FusedMultiplyAdd(xt, gLo, Vector.FusedMultiplyAdd(xtLo, g, Vector.FusedMultiplyAdd(xt, g, -f)));
        // a² = hi + lo exactly; beyond a = 15 e^(−a²/2) is 0 in float anyway, and the clamp keeps hi finite.
        var ac = Vector.MinNative(a, new Vector<float>(15f));
        var hi = ac * ac;
        var lo = Vector.FusedMultiplyAdd(ac, ac, -hi);
        var m = VectorMath.ExpScaled<Vector<float>, VectorLanes<float>>(hi * new Vector<float>(-0.5f), lo * new Vector<float>(-0.5f), f, fLo);
        var positive = Vector.FusedMultiplyAdd(-x, m, x);
        // x = +∞: Φ(−a) is NaN here (t·∞ terms) and x − x·Φ(−a) would be NaN.
        positive = Vector.ConditionalSelect(Vector.Equals(x, new Vector<float>(float.PositiveInfinity)), x, positive);
        return Vector.ConditionalSelect(negative, m, positive);
    }
}
