using Overfit.GaussianProcesses;
using Overfit.BayesianOptimization;

namespace Overfit.Tests.BayesianOptimization;

/// <summary>A 1-D model with closed-form moments: mean(x) = -0.5 + x, variance(x) = 1 + x².</summary>
internal sealed class ClosedFormModel : IPosteriorModel
{
    public int Dimension => 1;

    public void PosteriorMeanVariance(ReadOnlySpan<double> x, int m, Span<double> mean, Span<double> variance)
    {
        for (int i = 0; i < m; i++) { mean[i] = -0.5 + x[i]; variance[i] = 1 + x[i] * x[i]; }
    }

    public (double Mean, double Variance) PosteriorWithGradient(ReadOnlySpan<double> x, Span<double> meanGradient, Span<double> varianceGradient)
    {
        meanGradient[0] = 1;
        varianceGradient[0] = 2 * x[0];
        return (-0.5 + x[0], 1 + x[0] * x[0]);
    }

    public (double[] Mean, double[] Covariance) Posterior(ReadOnlySpan<double> x, int q) => throw new NotSupportedException();

    public void PosteriorBackward(ReadOnlySpan<double> x, int q, ReadOnlySpan<double> meanGradient, ReadOnlySpan<double> covarianceGradient, Span<double> xGradient)
        => throw new NotSupportedException();
}

internal static class BoTestHelpers
{
    /// <summary>Eight 2-D points and a smooth target (tests/fixtures/reference/bo/bo_acquisition_reference.py uses the same data).</summary>
    internal static (double[] X, double[] Y) SmallData()
    {
        double[] x = [0.1, 0.2, 0.4, 0.9, 0.8, 0.3, 0.55, 0.5, 0.2, 0.7, 0.95, 0.85, 0.7, 0.05, 0.3, 0.35];
        var y = new double[8];
        for (int i = 0; i < 8; i++)
        {
            double a = x[2 * i], b = x[2 * i + 1];
            y[i] = Math.Sin(3 * a) + Math.Cos(2 * b) + 0.5 * a * b;
        }
        return (x, y);
    }

    internal static SingleTaskGP FittedModel(SingleTaskGPOptions? options = null)
    {
        var (x, y) = SmallData();
        return SingleTaskGP.Fit(x, y, options ?? new SingleTaskGPOptions { InputBounds = Bounds.UnitCube(2) });
    }

    /// <summary>Central finite differences of f against an analytic gradient; asserts within atol + rtol·|g|.</summary>
    internal static void CheckGradient(Func<double[], double> f, double[] x, double[] analytic, double eps = 1e-6, double atol = 1e-6, double rtol = 1e-4)
    {
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone(); plus[i] += eps;
            var minus = (double[])x.Clone(); minus[i] -= eps;
            double numeric = (f(plus) - f(minus)) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic[i]) <= atol + rtol * Math.Abs(numeric),
                $"coordinate {i}: analytic {analytic[i]:G10}, finite difference {numeric:G10}");
        }
    }
}
