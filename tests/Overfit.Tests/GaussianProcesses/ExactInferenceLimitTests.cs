using Overfit.GaussianProcesses;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>
/// Sizes that feed the kernels' pointer loops: n·n must be computed in long and refused when it is no .NET array,
/// and exact inference must refuse large n up front, before the first n×n buffer exists.
/// </summary>
public class ExactInferenceLimitTests
{
    private static (double[,] X, double[] Y) Line(int n)
    {
        var x = new double[n, 1];
        var y = new double[n];
        for (int i = 0; i < n; i++) { x[i, 0] = i; y[i] = 0.5 * i + Math.Sin(i); }
        return (x, y);
    }

    [Theory]
    [InlineData(46_340, true)]    // 2,147,395,600 ≤ Array.MaxLength
    [InlineData(46_341, false)]   // 2,147,488,281: wraps to a negative int
    [InlineData(65_536, false)]   // 2³²: wraps to 0 in int
    [InlineData(65_537, false)]   // wraps to a small positive int: the old AccessViolationException
    public void SquareSizesAreCheckedInLong(int n, bool fits)
    {
        if (fits) Assert.Equal((long)n * n, ExactInference.Elements(n, n, "K"));
        else
        {
            var error = Assert.Throws<ArgumentException>(() => ExactInference.Elements(n, n, "K"));
            Assert.Contains($"{n:N0}×{n:N0} Float64 matrix", error.Message);
            Assert.Equal("K", error.ParamName);
        }
    }

    [Fact]
    public void KernelMatricesBeyondOneArrayAreRefusedBeforeAllocating()
    {
        var x = new double[46_341, 1];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ArgumentException>(() => new RBF(1.0).K(x));
        Assert.Throws<ArgumentException>(() => new MarginalLikelihood(new RBF(1.0), new double[46_341], 46_341, 1, new double[46_341], 1e-10));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20);
    }

    [Fact]
    public void PointerLoopsCheckTheirBufferFirst()
    {
        var kernel = new Matern(1.0, nu: 2.5);
        var x = new double[10];
        // One element short: a pointer loop would write past the end; the bound check refuses instead.
        Assert.Throws<ArgumentException>(() => kernel.EvaluateSymmetric(x, 10, 1, new double[99]));
        Assert.Throws<ArgumentException>(() => kernel.EvaluateLowerTriangle(x, 10, 1, new double[99]));
        Assert.Throws<ArgumentException>(() => kernel.Evaluate(x, 10, x, 10, 1, new double[99]));
        Assert.Throws<ArgumentException>(() => kernel.ContractValueAndGradients(x, 10, 1, new double[99], new double[1]));
        Assert.Throws<ArgumentException>(() => Overfit.Tensors.Kernels.DenseLinalg.TryCholesky(new double[0], 65_536, out _));
    }

    [Fact]
    public void FitRefusesMoreThanMaxRowsWithMemoryTimeAndWhatToDo()
    {
        var (x, y) = Line(10_001);
        var gp = new GaussianProcessRegressor(new RBF(1.0) + new WhiteKernel(0.1));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ArgumentException>(() => gp.Fit(x, y));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "refused after allocating");
        Assert.Equal("x", error.ParamName);
        Assert.Contains("at most 10,000 rows (MaxRows), got 10,001", error.Message);
        Assert.Contains("2 10,001×10,001 Float64 matrices (1.5 GB)", error.Message);
        Assert.Contains("n³ = 1.0e+12 floating-point operations (~20 s at 50 GFLOP/s", error.Message);
        Assert.Contains("Subsample the rows, or use the sparse GP (overfit gp regress --method sparse --inducing M)", error.Message);
        Assert.False(gp.IsFitted);
    }

    [Fact]
    public void MaxRowsIsTheDocumentedKnob()
    {
        var (x, y) = Line(21);
        Assert.Throws<ArgumentException>(() => new GaussianProcessRegressor(new RBF(3.0), optimize: false) { MaxRows = 20 }.Fit(x, y));
        Assert.True(new GaussianProcessRegressor(new RBF(3.0), optimize: false) { MaxRows = 21 }.Fit(x, y).IsFitted);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianProcessRegressor { MaxRows = 0 });
        var labels = Enumerable.Range(0, 21).Select(i => i % 2).ToArray();
        Assert.Throws<ArgumentException>(() => new GaussianProcessClassifier(new RBF(3.0), optimize: false) { MaxRows = 20 }.Fit(x, labels));
    }

    [Fact]
    public void PredictionsInBlocksEqualPredictionsPointByPoint()
    {
        // 1,000 training rows: blocks of 4,194 test points, so 9,000 points take three blocks (the last one short).
        var (x, y) = Line(1_000);
        var gp = new GaussianProcessRegressor(new RBF(30.0) + new WhiteKernel(0.5), optimize: false).Fit(x, y);
        var xs = new double[9_000, 1];
        for (int i = 0; i < xs.GetLength(0); i++) xs[i, 0] = -50 + i * 0.12;
        var (mean, std) = gp.Predict(xs);
        foreach (int i in new[] { 0, 4_193, 4_194, 8_387, 8_388, 8_999 })
        {
            var (m1, s1) = gp.Predict(new double[,] { { xs[i, 0] } });
            Assert.Equal(m1[0], mean[i], 1e-9);
            Assert.Equal(s1[0], std[i], 1e-9);
        }
    }

    [Fact]
    public void NormalizedTargetsNear1e308StayFinite()
    {
        var (x, y) = Line(15);
        var big = y.Select(v => v * 1.7e307).ToArray();
        var small = new GaussianProcessRegressor(new RBF(3.0) + new WhiteKernel(0.01), normalizeY: true, optimize: false).Fit(x, y);
        var huge = new GaussianProcessRegressor(new RBF(3.0) + new WhiteKernel(0.01), normalizeY: true, optimize: false).Fit(x, big);
        var (m, s) = small.Predict(x);
        var (mb, sb) = huge.Predict(x);
        // Standardization removes the scale: the big fit is the small one times 1.7e307, to round-off.
        for (int i = 0; i < m.Length; i++)
        {
            Assert.True(double.IsFinite(mb[i]) && double.IsFinite(sb[i]), $"row {i}: mean {mb[i]}, std {sb[i]}");
            Assert.Equal(m[i], mb[i] / 1.7e307, 1e-9);
            Assert.Equal(s[i], sb[i] / 1.7e307, 1e-9);
        }
        var (mean, std) = GpInput.StandardizeTargets([1.7e308, -1.7e308, 1.7e308, -1.7e308]);
        Assert.Equal(0, mean);
        Assert.Equal(1.7e308, std, 1e294);
    }
}
