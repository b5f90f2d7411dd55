using Overfit.GaussianProcesses;
using Overfit.Tensors;

namespace Overfit.Tests.GaussianProcesses;

public class RegressorBehaviourTests
{
    private static (double[,] X, double[] Y) Sine(int n)
    {
        var x = new double[n, 1];
        var y = new double[n];
        for (int i = 0; i < n; i++) { x[i, 0] = 10.0 * i / (n - 1); y[i] = Math.Sin(x[i, 0]) + 0.1 * Math.Cos(7.3 * i); }
        return (x, y);
    }

    [Fact]
    public void BikeRouteMatchesTheChaptersNumPyCode()
    {
        var grid = new double[100, 1];
        for (int i = 0; i < 100; i++) grid[i, 0] = 10.0 * i / 99;
        // The chapter's NumPy code, run by tests/fixtures/reference/gp/gp_bike_route.py.
        var reference = Overfit.Tests.Fixtures.ReferenceFixture.Load("gp/bike_route.json");
        Check([0, 2, 5, 8, 10], [0, 2, 3, 1, 4], reference.Doubles("FiveMean"), reference.Doubles("FiveLower"), reference.Doubles("FiveUpper"));
        Check([0, 1, 2, 4, 5, 6, 8, 10], [0, 1, 2.5, 1.5, 3, 2, 1, 4], reference.Doubles("EightMean"), reference.Doubles("EightLower"), reference.Doubles("EightUpper"));

        void Check(double[] times, double[] positions, double[] mean, double[] lower, double[] upper)
        {
            var x = new double[times.Length, 1];
            for (int i = 0; i < times.Length; i++) x[i, 0] = times[i];
            // The chapter: RBF with l = 2 and unit variance, no noise, no hyperparameter fitting.
            var gp = new GaussianProcessRegressor(new RBF(2.0), alpha: 0, optimize: false).Fit(x, positions);
            var (mu, std) = gp.Predict(grid);
            var (muCov, cov) = gp.PredictCovariance(grid);
            for (int i = 0; i < 100; i++)
            {
                Assert.Equal(mean[i], mu[i], 1e-9);
                Assert.Equal(mu[i], muCov[i], 1e-12);
                Assert.Equal(std[i] * std[i], Math.Max(0, cov[i, i]), 1e-12);
                double sd = std[i];
                // At observed times the chapter's variance rounds to a tiny negative number (NaN band); ours is clipped to 0.
                if (double.IsNaN(lower[i])) { Assert.True(sd < 1e-6); continue; }
                Assert.Equal(lower[i], mu[i] - 2 * sd, 1e-6);
                Assert.Equal(upper[i], mu[i] + 2 * sd, 1e-6);
            }
        }
    }

    [Fact]
    public void PredictBeforeFitIsThePrior()
    {
        var gp = new GaussianProcessRegressor(new ConstantKernel(2.0) * new RBF(1.0));
        var (mean, std) = gp.Predict(new double[,] { { 0.0 }, { 1.0 } });
        Assert.Equal([0.0, 0.0], mean);
        Assert.All(std, s => Assert.Equal(Math.Sqrt(2.0), s, 12));
    }

    [Fact]
    public void RestartsAreSeededAndNeverWorseThanTheSingleStart()
    {
        var (x, y) = Sine(30);
        Kernel K() => new ConstantKernel(1.0) * new RBF(1.0, lower: 1e-2, upper: 1e2) + new WhiteKernel(0.1, lower: 1e-5, upper: 10);
        var single = new GaussianProcessRegressor(K()).Fit(x, y);
        var a = new GaussianProcessRegressor(K(), nRestartsOptimizer: 3, seed: 5).Fit(x, y);
        var b = new GaussianProcessRegressor(K(), nRestartsOptimizer: 3, seed: 5).Fit(x, y);
        Assert.Equal(4, a.OptimizerResults.Count);
        Assert.Equal(a.FittedKernel!.Theta, b.FittedKernel!.Theta);
        Assert.True(a.LogMarginalLikelihoodValue >= single.LogMarginalLikelihoodValue - 1e-9);
    }

    [Fact]
    public void FitDoesNotChangeTheGivenKernel()
    {
        var (x, y) = Sine(20);
        var kernel = new ConstantKernel(1.0) * new RBF(1.0) + new WhiteKernel(0.1);
        var before = kernel.Theta;
        var gp = new GaussianProcessRegressor(kernel).Fit(x, y);
        Assert.Equal(before, kernel.Theta);
        Assert.NotEqual(before, gp.FittedKernel!.Theta);
    }

    [Fact]
    public void NormalizeYPredictsOnTheOriginalScale()
    {
        var (x, y) = Sine(25);
        var shifted = y.Select(v => 1000 + 50 * v).ToArray();
        var gp = new GaussianProcessRegressor(new ConstantKernel(1.0) * new RBF(1.0) + new WhiteKernel(0.01), normalizeY: true).Fit(x, shifted);
        var (mean, std) = gp.Predict(x);
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(mean[i] - shifted[i]) < 50 * 0.3, $"point {i}: {mean[i]} vs {shifted[i]}");
        Assert.All(std, s => Assert.True(s > 0 && s < 50));
    }

    [Fact]
    public void SamplesHaveThePosteriorMeanAndAreSeeded()
    {
        var (x, y) = Sine(12);
        var gp = new GaussianProcessRegressor(new RBF(1.5), alpha: 1e-4, optimize: false).Fit(x, y);
        var xs = new double[,] { { 2.5 }, { 7.25 } };
        var s1 = gp.SamplePosterior(xs, 4000, seed: 3);
        var s2 = gp.SamplePosterior(xs, 4000, seed: 3);
        Assert.Equal(s1, s2);
        var (mean, std) = gp.Predict(xs);
        for (int j = 0; j < 2; j++)
        {
            double avg = Enumerable.Range(0, 4000).Average(s => s1[j, s]);
            Assert.True(Math.Abs(avg - mean[j]) < 4 * std[j] / Math.Sqrt(4000) + 1e-6, $"point {j}: sample mean {avg} vs {mean[j]}");
        }
        var prior = gp.SamplePrior(xs, 4000, seed: 1);
        double var0 = Enumerable.Range(0, 4000).Average(s => prior[0, s] * prior[0, s]);
        Assert.InRange(var0, 0.9, 1.1); // RBF prior has unit variance
    }

    [Fact]
    public void DuplicatedInputsWithoutNoiseAreHandledByJitterWithAWarning()
    {
        var x = new double[,] { { 0.0 }, { 1.0 }, { 1.0 }, { 2.0 } };
        var y = new[] { 0.0, 1.0, 1.1, 0.5 };
        var gp = new GaussianProcessRegressor(new RBF(1.0), alpha: 0, optimize: false).Fit(x, y);
        Assert.True(gp.Jitter > 0);
        Assert.Contains(gp.Warnings, w => w.Contains("jitter"));
        var (mean, std) = gp.Predict(x);
        Assert.All(mean, m => Assert.True(double.IsFinite(m)));
        Assert.All(std, s => Assert.True(double.IsFinite(s)));
    }

    [Fact]
    public void BadInputThrowsClearErrors()
    {
        var gp = new GaussianProcessRegressor(new RBF(1.0));
        var nan = Assert.Throws<ArgumentException>(() => gp.Fit(new double[,] { { 0 }, { double.NaN } }, [1.0, 2.0]));
        Assert.Contains("finite", nan.Message);
        Assert.Throws<ArgumentException>(() => gp.Fit(new double[,] { { 0 }, { 1 } }, [1.0, double.PositiveInfinity]));
        var shape = Assert.Throws<ArgumentException>(() => gp.Fit(new double[,] { { 0 }, { 1 } }, [1.0, 2.0, 3.0]));
        Assert.Contains("one target per row", shape.Message);
        gp.Fit(new double[,] { { 0 }, { 1 } }, [1.0, 2.0]);
        Assert.Throws<ArgumentException>(() => gp.Predict(new double[,] { { 0, 1 } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RBF(1.0, lower: 10, upper: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RBF(-1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Matern(1.0, nu: 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Matern(1.0, nu: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianProcessRegressor(alpha: -1));
        Assert.Throws<ArgumentException>(() => new RBF([1.0, 2.0]).K(new double[,] { { 1, 2, 3 } }));
    }

    [Fact]
    public void HopelessMatrixFailsWithAnActionableMessage()
    {
        // A negative-definite "kernel" cannot be rescued by jitter.
        var x = new double[,] { { 0.0 }, { 1.0 } };
        var gp = new GaussianProcessRegressor(new ConstantKernel(1.0) * new RBF(1.0) + new DotProduct(1e-3, isFixed: true), alpha: 0, optimize: false);
        var k = new double[,] { { 1, 2 }, { 2, 1 } };
        var ex = Assert.Throws<InvalidOperationException>(() => new MultivariateNormal([0, 0], k).LogPdf([0, 0]));
        Assert.Contains("positive semi-definite", ex.Message);
        gp.Fit(x, [0.0, 1.0]); // a valid kernel still fits
    }

    [Fact]
    public void TensorApiMatchesArrayApi()
    {
        var (x, y) = Sine(15);
        var gp = new GaussianProcessRegressor(new RBF(1.0) + new WhiteKernel(0.01), optimize: false).Fit(Tensor.FromArray(x), Tensor.FromArray(y));
        var (mt, st) = gp.Predict(Tensor.FromArray(x));
        var (ma, sa) = gp.Predict(x);
        Assert.Equal(ma, mt.ToDoubleArray());
        Assert.Equal(sa, st.ToDoubleArray());
    }

    [Fact]
    public void PriorsPullTheMapEstimate()
    {
        var (x, y) = Sine(20);
        var free = new GaussianProcessRegressor(new RBF(1.0) + new WhiteKernel(0.1)).Fit(x, y);
        var withPrior = new GaussianProcessRegressor(new RBF(1.0, prior: new LogNormalPrior(Math.Log(5.0), 0.05)) + new WhiteKernel(0.1)).Fit(x, y);
        double lFree = Math.Exp(free.FittedKernel!.Theta[0]), lPrior = Math.Exp(withPrior.FittedKernel!.Theta[0]);
        Assert.True(Math.Abs(Math.Log(lPrior / 5.0)) < Math.Abs(Math.Log(lFree / 5.0)), $"prior did not pull: {lFree} -> {lPrior}");
        Assert.True(free.LogMarginalLikelihoodValue >= withPrior.LogMarginalLikelihoodValue - 1e-9);
    }
}
