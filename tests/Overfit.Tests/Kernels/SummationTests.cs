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
}
