using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// The Float32 whole-span sum (<see cref="Summation.Sum"/>) against the same values added in double, at every start
/// offset within a cache line (the kernel adds a misaligned head one value at a time) and at lengths around its
/// 128-value steps and 2048-value blocks. Each lane adds at most 16 values in float per block, so the error stays
/// within 16 float roundings of Σ|x|; a span of fewer than 256 values (each lane then takes at most one value per block, with no float rounding) comes out all but exact.
/// </summary>
public class SummationTests
{
    [Fact]
    public void MatchesDoubleSumAtEveryOffsetAndBlockBoundary()
    {
        var rng = new Random(5);
        var data = new float[70_000];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 4 - 1.5);
        foreach (int offset in Enumerable.Range(0, 17))
            foreach (int n in new[] { 0, 1, 15, 16, 127, 128, 129, 255, 256, 2047, 2048, 2049, 4096 + 130, 69_000 - offset })
            {
                var span = data.AsSpan(offset, n);
                double exact = 0, magnitude = 0;
                foreach (float v in span)
                {
                    exact += v;
                    magnitude += Math.Abs(v);
                }
                double sum = Summation.Sum(span);
                double bound = n < 256 ? 1e-12 * Math.Max(1, magnitude) : 16 * Math.Pow(2, -24) * magnitude;
                Assert.True(Math.Abs(sum - exact) <= bound, $"offset {offset}, n {n}: {sum:R} against {exact:R} (bound {bound:R})");
            }
    }

    [Fact]
    public void NonFiniteValuesPropagate()
    {
        var data = Enumerable.Repeat(1f, 3000).ToArray();
        data[2500] = float.PositiveInfinity;
        Assert.Equal(double.PositiveInfinity, Summation.Sum(data));
        data[100] = float.NaN;
        Assert.True(double.IsNaN(Summation.Sum(data)));
    }

    /// <summary>
    /// The Float64 sum (aligned head, eight 512-bit accumulators, tail) against a compensated (Neumaier) sum of the same
    /// values, at every start offset within a cache line and at lengths around its 64-value steps, within the worst-case
    /// bound of that order: each of the 64 partial sums adds n/64 values, six pairwise levels join them, and up to 7 head
    /// and 63 tail values are added one at a time: (n/64 + 6 + 70) roundings of Σ|x|.
    /// </summary>
    [Fact]
    public void Float64MatchesACompensatedSumAtEveryOffset()
    {
        var rng = new Random(6);
        var data = new double[70_000];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextDouble() * 4 - 1.5;
        foreach (int offset in Enumerable.Range(0, 9))
            foreach (int n in new[] { 0, 1, 7, 8, 9, 63, 64, 65, 71, 72, 127, 128, 129, 1000, 69_000 - offset })
            {
                var span = data.AsSpan(offset, n);
                double exact = 0, carry = 0, magnitude = 0;
                foreach (double v in span)
                {
                    double t = exact + v;
                    carry += Math.Abs(exact) >= Math.Abs(v) ? exact - t + v : v - t + exact;
                    exact = t;
                    magnitude += Math.Abs(v);
                }
                exact += carry;
                double sum = Summation.Sum(span);
                double bound = (n / 64.0 + 76) * Math.Pow(2, -53) * Math.Max(1, magnitude);
                Assert.True(Math.Abs(sum - exact) <= bound, $"offset {offset}, n {n}: {sum:R} against {exact:R} (bound {bound:R})");
            }
        var special = Enumerable.Repeat(1.0, 3000).ToArray();
        special[2500] = double.PositiveInfinity;
        Assert.Equal(double.PositiveInfinity, Summation.Sum((ReadOnlySpan<double>)special));
        special[100] = double.NaN;
        Assert.True(double.IsNaN(Summation.Sum((ReadOnlySpan<double>)special)));
    }
}
