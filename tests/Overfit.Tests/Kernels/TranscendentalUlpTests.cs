using Overfit.Tensors;
using Overfit.Tests.Fixtures;
using Xunit.Abstractions;

namespace Overfit.Tests.Kernels;

/// <summary>
/// The SIMD exp, sigmoid, tanh, softplus and GELU against the scalar functions of <see cref="Math"/>, measured in units
/// in the last place: at most 2 ulp in Float32 (reference: the double result rounded to float) and 4 ulp in
/// Float64, over a dense sweep, random values, and the edge cases (±0, subnormals, overflow and underflow
/// thresholds, ±∞, NaN). Lengths are not multiples of the vector width, and one case is large enough to be
/// split across threads, so the SIMD body, the scalar tail and the threaded path are all covered.
/// </summary>
public class TranscendentalUlpTests(ITestOutputHelper output)
{
    private static readonly double[] Edges =
    [
        0.0, -0.0, double.Epsilon, -double.Epsilon, 1e-310, -1e-310, 1e-45, -1e-45, 1e-40, -1e-40, 1e-30, -1e-30, 1e-8, -1e-8,
        0.5, -0.5, 1, -1, 8.5, -8.5, 15, -15, 17, -17, 20, -20, 36, -36, 40, -40,
        87.3, -87.3, 88.7, 88.73, 89, -100, -103, -103.9, -104, -150,
        700, 709.7, 709.79, 710, -708, -744, -745.1, -746, -800,
        float.MaxValue, -float.MaxValue, double.MaxValue, -double.MaxValue,
        double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    ];

    public static TheoryData<string, DType> Cases()
    {
        var data = new TheoryData<string, DType>();
        foreach (var f in new[] { "exp", "sigmoid", "tanh", "softplus", "gelu" })
            foreach (var d in new[] { DType.Float32, DType.Float64 })
                data.Add(f, d);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WithinUlpBoundOfScalarMath(string function, DType dtype)
    {
        long worst = 0;
        double worstAt = 0;
        // Float64 GELU against mpmath values (MathNet's double erfc is off by up to ~50 ulp around x = −8.5).
        var highPrecision = function == "gelu" && dtype == DType.Float64 ? ReferenceFixture.Load("gelu/gelu_float64.json") : null;
        var inputs = highPrecision is null ? Inputs().Append(BitPatternSweep(dtype))
            : [highPrecision.Doubles("x"), [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 50, 1e300, -1e300]];
        var fixtureValues = highPrecision?.Doubles("gelu");
        foreach (var input in inputs)
        {
            var x = Tensor.FromArray(input).To(dtype);
            var y = Apply(function, x).ToDoubleArray();
            var xs = x.ToDoubleArray();
            int maxUlp = dtype == DType.Float32 ? 2 : 4;
            bool fromFixture = fixtureValues is not null && input.Length == fixtureValues.Length;
            for (int i = 0; i < xs.Length; i++)
            {
                double reference = fromFixture ? fixtureValues![i] : Reference(function, xs[i]);
                long ulp = dtype == DType.Float32 ? UlpDistance((float)y[i], (float)reference) : UlpDistance(y[i], reference);
                Assert.True(ulp <= maxUlp, $"{function}({xs[i]:R}) in {dtype.Name()}: got {y[i]:R}, Math gives {reference:R}, {ulp} ulp apart (at most {maxUlp})");
                if (ulp > worst) (worst, worstAt) = (ulp, xs[i]);
            }
        }
        output.WriteLine($"{function} {dtype.Name()}: max {worst} ulp (at x = {worstAt:R})");
    }

    /// <summary>
    /// Float32 GELU (float lanes, <c>GeluSingleOp</c>) against Float64 GELU rounded to float (itself within 4 ulp of
    /// mpmath, see above) on every 2039th bit pattern below 16 in magnitude, both signs (about 1.1 million values: both
    /// pieces of the approximation, the switch at |x| = 1/2, subnormal inputs, and the negative tail down to where
    /// x·Φ(x) becomes subnormal and then 0), plus −∞, +∞, NaN and values far beyond the tail.
    /// </summary>
    [Fact]
    public void Float32GeluWithinTwoUlpOfFloat64Gelu()
    {
        var values = new List<double> { double.NegativeInfinity, double.PositiveInfinity, double.NaN, 20, -20, 1e30, -1e30, float.MaxValue, -float.MaxValue };
        for (long bits = 0; bits < 0x41800000L; bits += 2039)
        {
            float v = BitConverter.Int32BitsToSingle((int)bits);
            values.Add(v);
            values.Add(-v);
        }
        var x = Tensor.FromArray(values.ToArray());
        var single = x.To(DType.Float32).Gelu().ToDoubleArray();
        var reference = x.Gelu().ToDoubleArray();
        long worst = 0;
        double worstAt = 0;
        for (int i = 0; i < values.Count; i++)
        {
            long ulp = UlpDistance((float)single[i], (float)reference[i]);
            Assert.True(ulp <= 2, $"gelu({values[i]:R}) in float32: got {single[i]:R}, Float64 GELU gives {reference[i]:R}, {ulp} ulp apart");
            if (ulp > worst) (worst, worstAt) = (ulp, values[i]);
        }
        output.WriteLine($"gelu float32 against float64: max {worst} ulp (at x = {worstAt:R}) over {values.Count} values");
    }

    /// <summary>
    /// Every 2¹²-th Float32 bit pattern (every 2⁴⁴-th Float64 one) of both signs: about a million values spread evenly
    /// over every binade, subnormals and the overflow/underflow regions included.
    /// </summary>
    private static double[] BitPatternSweep(DType dtype)
    {
        var values = new List<double>();
        if (dtype == DType.Float32)
            for (long bits = 0; bits < 0x7F800000L; bits += 1 << 12)
            {
                float v = BitConverter.Int32BitsToSingle((int)bits);
                values.Add(v);
                values.Add(-v);
            }
        else
            for (long bits = 0; bits < 0x7FF0000000000000L; bits += 1L << 44)
            {
                double v = BitConverter.Int64BitsToDouble(bits);
                values.Add(v);
                values.Add(-v);
            }
        return [.. values];
    }

    private static IEnumerable<double[]> Inputs()
    {
        yield return Edges;
        // A dense sweep of [-120, 120] (1001 points: not a multiple of any vector width).
        yield return Enumerable.Range(0, 1001).Select(i => -120 + 0.24 * i).ToArray();
        // Random magnitudes over many binades, both signs; large enough to be split across threads.
        var rng = new Random(7);
        yield return Enumerable.Range(0, (1 << 17) + 3).Select(_ => (rng.Next(2) == 0 ? -1 : 1) * Math.Pow(2, rng.NextDouble() * 16 - 9)).ToArray();
    }

    private static Tensor Apply(string function, Tensor x) => function switch
    {
        "exp" => x.Exp(),
        "sigmoid" => x.Sigmoid(),
        "tanh" => x.Tanh(),
        "gelu" => x.Gelu(),
        _ => x.Softplus(),
    };

    /// <summary>The scalar reference in double (for Float32 inputs exact enough that rounding it to float is the correctly rounded result but for rare ties).</summary>
    private static double Reference(string function, double x) => function switch
    {
        "exp" => Math.Exp(x),
        "sigmoid" => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x)),
        "tanh" => Math.Tanh(x),
        // GELU x·Φ(x) = x·erfc(−x/√2)/2 with MathNet's double-precision erfc (no cancellation on either side).
        "gelu" => 0.5 * x * MathNet.Numerics.SpecialFunctions.Erfc(-x / Math.Sqrt(2)),
        _ => Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x))),
    };

    /// <summary>log(1 + t) for 0 ≤ t ≤ 1: a series where t is small, otherwise log of the rounded 1 + t corrected by t/((1 + t) − 1).</summary>
    private static double Log1p(double t)
    {
        if (double.IsNaN(t)) return t;
        if (t < 1e-3) return t * (1 - t * (1.0 / 2 - t * (1.0 / 3 - t * (1.0 / 4 - t * (1.0 / 5 - t * (1.0 / 6))))));
        double u = 1 + t;
        return Math.Log(u) * (t / (u - 1));
    }

    internal static long UlpDistance(float a, float b)
    {
        if (float.IsNaN(a) || float.IsNaN(b)) return float.IsNaN(a) && float.IsNaN(b) ? 0 : long.MaxValue;
        return Math.Abs((long)Ordered(BitConverter.SingleToInt32Bits(a)) - Ordered(BitConverter.SingleToInt32Bits(b)));
        static long Ordered(int bits) => bits < 0 ? int.MinValue - (long)bits : bits;
    }

    private static long UlpDistance(double a, double b)
    {
        if (double.IsNaN(a) || double.IsNaN(b)) return double.IsNaN(a) && double.IsNaN(b) ? 0 : long.MaxValue;
        if (a == b) return 0;
        Int128 ia = Ordered(BitConverter.DoubleToInt64Bits(a)), ib = Ordered(BitConverter.DoubleToInt64Bits(b));
        var d = Int128.Abs(ia - ib);
        return d > long.MaxValue ? long.MaxValue : (long)d;
        static Int128 Ordered(long bits) => bits < 0 ? (Int128)long.MinValue - bits : bits;
    }
}
