using System.Numerics;
using System.Runtime.Intrinsics;
using Overfit.Optim;

namespace Overfit.Tests.Optim;

/// <summary>
/// The division by a divisor known in advance (reciprocal, product, exact residual by FMA, one correcting FMA) that
/// Adam's 512-bit pass uses for its bias correction gives exactly the correctly rounded quotient x/d: for every Float32
/// significand against divisors from Adam's own sequence √(1 − β₂ᵗ) and divisors whose significand is all ones, and for
/// random dividends over most of the exponent range in both precisions; +0, ±∞ and NaN as the division gives them.
/// </summary>
public sealed class KnownDivisorTests
{
    private static IEnumerable<double> AdamDivisors()
    {
        foreach (double beta2 in new[] { 0.999, 0.99, 0.9, 0.98 })
            for (int t = 1; t <= 3000; t += t < 50 ? 1 : 37) yield return Math.Sqrt(1 - Math.Pow(beta2, t));
        yield return 1.0;
        yield return BitConverter.Int32BitsToSingle(0x3F7FFFFF); // 0.99999994f, significand all ones
        yield return BitConverter.Int64BitsToDouble(0x3FEFFFFFFFFFFFFF);
        yield return 0.75;
        yield return 1.0 / 3;
    }

    [Fact]
    public void EveryFloat32SignificandDividesExactly()
    {
        if (!Vector512.IsHardwareAccelerated) return; // the 512-bit pass only; elsewhere Adam divides
        float[] divisors = [(float)Math.Sqrt(1 - Math.Pow(0.999, 1)), (float)Math.Sqrt(1 - Math.Pow(0.999, 7)),
            (float)Math.Sqrt(1 - Math.Pow(0.999, 1000)), BitConverter.Int32BitsToSingle(0x3F7FFFFF), 1f / 3, 0.6f];
        var x = new float[16];
        foreach (float d in divisors)
        {
            var vd = Vector512.Create(d);
            var vr = Vector512.Create(1f / d);
            for (int m = 0; m < 1 << 23; m += 16)
            {
                for (int i = 0; i < 16; i++) x[i] = BitConverter.Int32BitsToSingle(0x3F800000 | (m + i));
                var q = KnownDivisor.Divide(Vector512.Create(x), vd, vr);
                for (int i = 0; i < 16; i++)
                    if (q[i] != x[i] / d) Assert.Fail($"{x[i]:R} / {d:R}: got {q[i]:R}, expected {x[i] / d:R}");
            }
        }
    }

    [Fact]
    public void RandomDividendsOverTheExponentRangeDivideExactly()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        var rng = new Random(5);
        foreach (double d in AdamDivisors())
        {
            Check<float>(rng, (float)d, 2000);
            Check<double>(rng, d, 2000);
        }
    }

    [Fact]
    public void ZeroInfinitiesAndNaNAreThoseOfTheDivision()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        // Adam's dividends are square roots (never −0) over divisors in (0, 1] that cannot overflow them.
        double d = Math.Sqrt(1 - Math.Pow(0.999, 3));
        double[] x = [0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e300, 1e-300, 3.0, -7.5];
        var q = KnownDivisor.Divide(Vector512.Create(x), Vector512.Create(d), Vector512.Create(1 / d));
        for (int i = 0; i < 8; i++)
            Assert.Equal(BitConverter.DoubleToInt64Bits(x[i] / d), BitConverter.DoubleToInt64Bits(q[i]));
    }

    private static void Check<T>(Random rng, T d, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        var x = new T[w];
        var vd = Vector512.Create(d);
        var vr = Vector512.Create(T.One / d);
        for (int n = 0; n < count; n += w)
        {
            for (int i = 0; i < w; i++)
            {
                // Significand uniform in [1, 2), exponent across most of the normal range.
                double v = (1 + rng.NextDouble()) * Math.Pow(2, rng.Next(-100, 100));
                x[i] = T.CreateTruncating(v);
            }
            var q = KnownDivisor.Divide(Vector512.Create(x), vd, vr);
            for (int i = 0; i < w; i++)
                if (q[i] != x[i] / d) Assert.Fail($"{typeof(T).Name} {x[i]} / {d}: got {q[i]}, expected {x[i] / d}");
        }
    }
}
