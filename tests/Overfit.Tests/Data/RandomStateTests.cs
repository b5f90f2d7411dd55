using Overfit.Data.Random;

namespace Overfit.Tests.Data;

// Expected values: /usr/bin/python3 tests/fixtures/reference/data/data_numpy_random.py (Debian python3-numpy 1.24.2).
public class RandomStateTests
{
    private static void AssertClose(double[] expected, double[] actual, double tolerance = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void SeedingMatchesNumPyState()
    {
        uint[] state = new RandomState(42).StateWords();
        Assert.Equal(new uint[] { 42, 3107752595, 1895908407, 3900362577, 3030691166 }, state[..5]);
    }

    [Fact]
    public void RandomSampleIsBitIdenticalToNumPy()
    {
        AssertClose([0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366, 0.15601864044243652, 0.15599452033620265],
            new RandomState(42).RandomSample(6));
        AssertClose([0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969], new RandomState(0).RandomSample(4));
        AssertClose([0.0976320289940138, 0.9123828453026218, 0.78903530185164], new RandomState(uint.MaxValue).RandomSample(3));
        AssertClose([0.532833024789759, 0.5341366008904166, 0.509553035526467], new RandomState(123456789).RandomSample(3));
    }

    [Fact]
    public void GaussMatchesNumPyIncludingTheCachedSecondValue()
    {
        AssertClose([0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597, -0.23413695694918055, 1.5792128155073915],
            new RandomState(42).StandardNormal(7), 1e-15);
        // rand(3), randn(3), rand(2): the third normal is the cached partner, so rand resumes after two gauss pairs.
        var rs = new RandomState(42);
        double[] mixed = [.. rs.RandomSample(3), .. rs.StandardNormal(3), .. rs.RandomSample(2)];
        AssertClose([0.3745401188473625, 0.9507143064099162, 0.7319939418114051, -1.1118801180469204, 0.31890218468938336, 0.2790412922001377, 0.7080725777960455, 0.020584494295802447],
            mixed, 1e-15);
    }

    [Fact]
    public void UniformAndNormalMatchNumPy()
    {
        AssertClose([-0.033191198118970394, 0.08812979737686322, -0.19995425007306206, -0.0790669709472641, -0.14129764367315478],
            new RandomState(1).Uniform(-0.2, 0.2, 5), 1e-16);
        AssertClose([0.6497381454652967, -0.24470256546003016, -0.2112687009053823, -0.42918744886246823, 0.34616305172987144],
            new RandomState(1).Normal(0, 0.4, 5), 1e-15);
    }

    [Fact]
    public void RandIntMatchesNumPyMaskedRejection()
    {
        Assert.Equal(new long[] { 6, 3, 7, 4, 6, 9, 2, 6, 7, 4, 3, 7 }, new RandomState(42).RandInt(0, 10, 12));
        Assert.Equal(new long[] { 97, 430, 855, 265, 101, 66 }, new RandomState(42).RandInt(-5, 1000, 6));
        Assert.Equal(new long[] { 327741615, 976413892, 1202242073, 1369975286 }, new RandomState(7).RandInt(0, int.MaxValue, 4));
    }

    [Fact]
    public void PermutationAndShuffleMatchNumPy()
    {
        Assert.Equal(new[] { 8, 1, 5, 0, 7, 2, 9, 4, 3, 6 }, new RandomState(42).Permutation(10));
        Assert.Equal(new[] { 18, 1, 19, 8, 10, 17, 6, 13, 4, 2, 5, 14, 9, 7, 16, 11, 3, 0, 15, 12 }, new RandomState(0).Permutation(20));
        int[] values = [0, 1, 2, 3, 4, 5, 6, 7];
        new RandomState(3).Shuffle<int>(values);
        Assert.Equal(new[] { 5, 7, 4, 6, 3, 1, 0, 2 }, values);
        int[] large = new RandomState(42).Permutation(2000);
        Assert.Equal(new[] { 1860, 353, 1333, 905, 1289, 1273, 938, 1731 }, large[..8]);
        Assert.Equal(new[] { 1956, 925, 942 }, large[597..600]);
    }

    [Fact]
    public void ChapterBatchNormStatisticsReproduceToTheDigit()
    {
        // The chapter prints Mean: [4.40716778 4.99644709], Variance: [8.89458134 8.45478364].
        double[] x = new RandomState(42).Rand(50, 2).ToDoubleArray();
        Assert.Equal(100, x.Length);
        double[] mean = new double[2], variance = new double[2];
        for (int c = 0; c < 2; c++)
        {
            double[] column = Enumerable.Range(0, 50).Select(r => x[r * 2 + c] * 10).ToArray();
            mean[c] = column.Average();
            variance[c] = column.Select(v => (v - mean[c]) * (v - mean[c])).Average();
        }
        AssertClose([4.407167775965999, 4.996447091598189], mean, 1e-12);
        AssertClose([8.894581339639068, 8.454783638360787], variance, 1e-11);
        Assert.Equal("4.40716778 4.99644709", $"{mean[0]:F8} {mean[1]:F8}");
        Assert.Equal("8.89458134 8.45478364", $"{variance[0]:F8} {variance[1]:F8}");
    }

    [Fact]
    public void TensorFactoriesHaveNumPyShapesAndSameSeedSameValues()
    {
        var a = new RandomState(5).Randn(3, 4);
        var b = new RandomState(5).Randn(3, 4);
        Assert.Equal(new[] { 3, 4 }, a.Shape);
        Assert.Equal(a.ToDoubleArray(), b.ToDoubleArray());
        Assert.NotEqual(a.ToDoubleArray(), new RandomState(6).Randn(3, 4).ToDoubleArray());
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomState(-1));
        Assert.Equal("seed", e.ParamName);
        Assert.Contains("2^32 - 1", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomState(1L << 32));
        var h = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomState(0).RandInt(5, 5));
        Assert.Equal("high", h.ParamName);
        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomState(0).Normal(0, -1)).ParamName);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomState(0).Permutation(-2)).ParamName);
    }
}
