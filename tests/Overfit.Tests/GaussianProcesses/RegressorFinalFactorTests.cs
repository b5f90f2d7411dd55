using Overfit.GaussianProcesses;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>Fit keeps the optimizer's last factorization; it must equal a fresh one at the fitted hyperparameters.</summary>
public class RegressorFinalFactorTests
{
    [Fact]
    public void ReusedFactorGivesTheSamePosteriorAsAFreshFactorization()
    {
        int n = 260, d = 3;
        var rng = new Overfit.Tensors.Generator(5);
        var x = new double[n, d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < d; c++) x[i, c] = rng.NextDouble();
            y[i] = Math.Sin(6 * x[i, 0]) + x[i, 1] * x[i, 2] + 0.1 * rng.NextNormal();
        }
        var kernel = new ConstantKernel(1.0) * new Matern([1.0, 1.0, 1.0], nu: 2.5) + new WhiteKernel(0.5);
        var fitted = new GaussianProcessRegressor(kernel, normalizeY: true).Fit(x, y);
        var fresh = new GaussianProcessRegressor(fitted.FittedKernel!.Clone(), normalizeY: true, optimize: false).Fit(x, y);
        Assert.Equal(fresh.LogMarginalLikelihoodValue, fitted.LogMarginalLikelihoodValue, 9);
        Assert.Equal(fresh.Jitter, fitted.Jitter);
        var xs = new double[5, d];
        for (int i = 0; i < 5; i++) for (int c = 0; c < d; c++) xs[i, c] = rng.NextDouble();
        var (m1, s1) = fitted.Predict(xs);
        var (m2, s2) = fresh.Predict(xs);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(m2[i], m1[i], 9);
            Assert.Equal(s2[i], s1[i], 9);
        }
    }
}
