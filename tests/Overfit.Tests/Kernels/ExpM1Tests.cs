using Overfit.Tensors;
using Overfit.Tensors.Kernels;
using Xunit.Abstractions;

namespace Overfit.Tests.Kernels;

/// <summary>
/// The SIMD e^x − 1 under ELU against a reference that keeps the digits near 0: the Taylor series summed from the
/// smallest term for |x| ≤ 1 (exact to about an ulp), e^x − 1 in double elsewhere (no cancellation there). At most
/// 2 ulp in Float32 and 4 ulp in Float64, over edges (±0, subnormals, the fast range's limits, overflow, NaN, ±∞), a
/// dense sweep and random magnitudes, at lengths that leave a partial last vector. ELU itself is checked for the
/// small negative inputs that exp-minus-one got wrong.
/// </summary>
public class ExpM1Tests(ITestOutputHelper output)
{
    private static readonly double[] Edges =
    [
        0.0, -0.0, double.Epsilon, -double.Epsilon, 1e-310, -1e-310, 1e-45, -1e-45, 1e-30, -1e-30, 1e-8, -1e-8, 1e-3, -1e-3,
        0.34657, -0.34657, 0.5, -0.5, 1, -1, 10, -10, 79.9, -79.9, 80, -80, 80.1, -80.1, 88.7, 89, -100, -104,
        699, -699, 700, -700, 701, -701, 709.7, 710, -746, -800,
        double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void WithinUlpBound(DType dtype)
    {
        var rng = new Random(9);
        var inputs = new List<double>(Edges);
        inputs.AddRange(Enumerable.Range(0, 2001).Select(i => -20 + 0.02 * i));
        inputs.AddRange(Enumerable.Range(0, 20_003).Select(_ => (rng.Next(2) == 0 ? -1 : 1) * Math.Pow(2, rng.NextDouble() * 40 - 34)));
        var x = Tensor.FromArray(inputs.ToArray()).To(dtype);
        var xs = x.ToDoubleArray();
        double[] y;
        if (dtype == DType.Float32)
        {
            var d = new float[xs.Length];
            ExpM1Kernel.Apply<float>(x.AsSpan<float>(), d);
            y = [.. d.Select(v => (double)v)];
        }
        else
        {
            y = new double[xs.Length];
            ExpM1Kernel.Apply<double>(x.AsSpan<double>(), y);
        }
        long worst = 0;
        double worstAt = 0;
        int maxUlp = dtype == DType.Float32 ? 2 : 4;
        for (int i = 0; i < xs.Length; i++)
        {
            double reference = Reference(xs[i]);
            long ulp = dtype == DType.Float32 ? TranscendentalUlpTests.UlpDistance((float)y[i], (float)reference) : UlpDistance(y[i], reference);
            Assert.True(ulp <= maxUlp, $"expm1({xs[i]:R}) in {dtype.Name()}: got {y[i]:R}, reference {reference:R}, {ulp} ulp apart");
            if (ulp > worst) (worst, worstAt) = (ulp, xs[i]);
        }
        Assert.True(double.IsNegative(y[Array.IndexOf(Edges, -0.0, 1)]), "expm1(−0) keeps its sign");
        output.WriteLine($"expm1 {dtype.Name()}: max {worst} ulp (at x = {worstAt:R})");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EluKeepsSmallNegativeValues(DType dtype)
    {
        double[] x = [-1e-30, -1e-8, -1e-6, -1e-3];
        var elu = Tensor.FromArray(x).To(dtype).Elu().ToDoubleArray();
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(elu[i] - Reference(x[i])) <= 1e-6 * Math.Abs(x[i]), $"elu({x[i]:R}) in {dtype.Name()}: {elu[i]:R}");
    }

    /// <summary>e^x − 1: the Taylor series for |x| ≤ 1 (terms added from the smallest), e^x − 1 in double beyond.</summary>
    private static double Reference(double x)
    {
        if (double.IsNaN(x) || Math.Abs(x) > 1) return Math.Exp(x) - 1;
        var terms = new double[30];
        double term = x;
        for (int k = 1; k <= terms.Length; k++)
        {
            terms[k - 1] = term;
            term *= x / (k + 1);
        }
        double sum = 0;
        for (int k = terms.Length - 1; k >= 0; k--) sum += terms[k];
        return sum;
    }

    private static long UlpDistance(double a, double b)
    {
        if (double.IsNaN(a) || double.IsNaN(b)) return double.IsNaN(a) && double.IsNaN(b) ? 0 : long.MaxValue;
        if (a == b) return 0;
        long ia = BitConverter.DoubleToInt64Bits(a), ib = BitConverter.DoubleToInt64Bits(b);
        if (ia < 0) ia = long.MinValue - ia;
        if (ib < 0) ib = long.MinValue - ib;
        return (long)Math.Min(Math.Abs((decimal)ia - ib), long.MaxValue);
    }
}
