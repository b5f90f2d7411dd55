using Overfit.GaussianProcesses;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>
/// The one-pass 512-bit Matérn ν = 5/2 rows (kernel values, and values with gradient factors) against the whole-row
/// passes they replace: the same operations per element, so the results must agree bit for bit, at every row length
/// (full vectors and every tail) and at r² = 0 (where 512-bit vectors are not accelerated the one-pass code still runs
/// here, in software). The passes are checked against the closed form too.
/// </summary>
public sealed class MaternVectorTests
{
    private static double[] Row(int length, int seed)
    {
        var rng = new Random(seed);
        var r2 = new double[length];
        for (int i = 0; i < length; i++) r2[i] = i % 5 == 0 ? 0 : Math.Pow(10, rng.NextDouble() * 6 - 4);
        return r2;
    }

    [Fact]
    public void OnePassValuesEqualThePassesBitForBit()
    {
        foreach (int length in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 23, 63, 64, 65, 999 })
        {
            var r2 = Row(length, length);
            var fused = (double[])r2.Clone();
            var passes = (double[])r2.Clone();
            Matern.FiveHalvesValues(fused);
            Matern.ValuesByPasses(passes);
            for (int i = 0; i < length; i++)
                Assert.True(BitConverter.DoubleToInt64Bits(fused[i]) == BitConverter.DoubleToInt64Bits(passes[i]), $"length {length}, [{i}]: {fused[i]:R} vs {passes[i]:R}");
            var values = new double[length];
            var factors = new double[length];
            var values2 = new double[length];
            var factors2 = new double[length];
            Matern.FiveHalvesValuesAndFactors(r2, values, factors);
            Matern.ValuesAndGradientFactorsByPasses(r2, values2, factors2);
            for (int i = 0; i < length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(values[i]) == BitConverter.DoubleToInt64Bits(values2[i]), $"length {length}, value [{i}]");
                Assert.True(BitConverter.DoubleToInt64Bits(factors[i]) == BitConverter.DoubleToInt64Bits(factors2[i]), $"length {length}, factor [{i}]");
            }
        }
    }

    [Fact]
    public void PassesMatchTheClosedForm()
    {
        var r2 = Row(37, 3);
        var values = new double[37];
        var factors = new double[37];
        Matern.ValuesAndGradientFactorsByPasses(r2, values, factors);
        for (int i = 0; i < 37; i++)
        {
            double t = Math.Sqrt(5 * r2[i]);
            Assert.Equal((1 + t + t * t / 3) * Math.Exp(-t), values[i], 1e-14);
            Assert.Equal(5.0 / 3.0 * (1 + t) * Math.Exp(-t), factors[i], 1e-14);
        }
    }

    [Fact]
    public void ShortOutputsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Matern.FiveHalvesValuesAndFactors(new double[9], new double[9], new double[8]));
        Assert.Contains("9", e.Message);
    }
}
