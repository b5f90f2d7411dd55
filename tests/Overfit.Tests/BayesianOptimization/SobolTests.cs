using Overfit.BayesianOptimization;

namespace Overfit.Tests.BayesianOptimization;

public class SobolTests
{
    [Fact]
    public void UnscrambledPointsMatchScipy()
    {
        // tests/fixtures/reference/bo/bo_sobol_reference.py (scipy 1.10 qmc.Sobol(3, scramble=False).random(8))
        double[] expected =
        [
            0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.75, 0.25, 0.25, 0.25, 0.75, 0.75,
            0.375, 0.375, 0.625, 0.875, 0.875, 0.125, 0.625, 0.125, 0.875, 0.125, 0.625, 0.375,
        ];
        Assert.Equal(expected, new SobolEngine(3, scramble: false).Draw(8));
    }

    [Fact]
    public void TwentyFirstDimensionMatchesScipy()
    {
        // tests/fixtures/reference/bo/bo_sobol_reference.py: qmc.Sobol(21, scramble=False), last coordinate of points 0..15, and point 1000.
        double[] lastCoordinate = [0.0, 0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875, 0.1875, 0.6875, 0.4375, 0.9375, 0.0625, 0.5625, 0.3125, 0.8125];
        var points = new SobolEngine(21, scramble: false).Draw(16);
        for (int i = 0; i < 16; i++) Assert.Equal(lastCoordinate[i], points[i * 21 + 20]);
        double[] point1000 =
        [
            0.2197265625, 0.0966796875, 0.5185546875, 0.6767578125, 0.2802734375, 0.9072265625, 0.0458984375, 0.8994140625,
            0.5009765625, 0.0693359375, 0.0849609375, 0.2548828125, 0.1611328125, 0.3837890625, 0.1435546875, 0.3701171875,
            0.7197265625, 0.3447265625, 0.9912109375, 0.7255859375, 0.5224609375,
        ];
        Assert.Equal(point1000, new SobolEngine(21, scramble: false).FastForward(1000).Draw(1));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(12345UL)]
    public void ScrambledPointsKeepTheNetProperty(ulong seed)
    {
        // Each coordinate of the first 2^m scrambled points has exactly one point per interval [k/2^m, (k+1)/2^m).
        const int d = 21, m = 8, n = 1 << m;
        var points = new SobolEngine(d, scramble: true, seed: seed).Draw(n);
        for (int c = 0; c < d; c++)
        {
            var seen = new bool[n];
            for (int i = 0; i < n; i++)
            {
                double u = points[i * d + c];
                Assert.InRange(u, 0.0, 1.0 - 1e-12);
                int bin = (int)(u * n);
                Assert.False(seen[bin], $"dimension {c}: two points in bin {bin}");
                seen[bin] = true;
            }
        }
        // 2-D projections of the first 16 points of dimensions (0, 1) form a (0, 4, 2)-net: one per 4×4 cell.
        var cells = new HashSet<int>();
        for (int i = 0; i < 16; i++) cells.Add((int)(points[i * d] * 4) * 4 + (int)(points[i * d + 1] * 4));
        Assert.Equal(16, cells.Count);
    }

    [Fact]
    public void ScramblingIsSeededAndMovesThePoints()
    {
        var a = new SobolEngine(5, seed: 3).Draw(32);
        var b = new SobolEngine(5, seed: 3).Draw(32);
        var c = new SobolEngine(5, seed: 4).Draw(32);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(new SobolEngine(5, scramble: false).Draw(32), a);
    }

    [Fact]
    public void NormalBaseSamplesAreStandardNormal()
    {
        var z = SobolEngine.DrawNormal(1024, 3, seed: 1);
        for (int c = 0; c < 3; c++)
        {
            var col = Enumerable.Range(0, 1024).Select(i => z[i * 3 + c]).ToArray();
            double mean = col.Average();
            double var = col.Select(v => (v - mean) * (v - mean)).Average();
            Assert.InRange(mean, -0.01, 0.01);
            Assert.InRange(var, 0.97, 1.03);
        }
    }

    [Fact]
    public void DimensionOutOfRangeThrows()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SobolEngine(SobolEngine.MaxDimension + 1));
        Assert.Equal("dimension", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SobolEngine(0));
    }
}
