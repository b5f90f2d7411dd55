using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// The regressor as a posterior model (<see cref="IPosteriorModel"/>), so acquisition functions and the bayes_opt-style
/// loop use it directly: the posterior of the latent function in target units (normalizeY undone), with gradients with
/// respect to the query points from the kernel's input gradients.
/// </summary>
public sealed partial class GaussianProcessRegressor : IPosteriorModel
{
    int IPosteriorModel.Dimension => Fitted()._d;

    void IPosteriorModel.PosteriorMeanVariance(ReadOnlySpan<double> x, int m, Span<double> mean, Span<double> variance)
    {
        int d = Fitted()._d;
        CheckPoints(x, m, d);
        var (mu, var, _) = PredictCore(x.ToArray(), m, d, fullCovariance: false, _alpha, _yMean, _yStd);
        mu.CopyTo(mean);
        double s2 = _yStd * _yStd; // PredictCore leaves these variances in normalized units
        for (int i = 0; i < m; i++) variance[i] = var[i] * s2;
    }

    (double Mean, double Variance) IPosteriorModel.PosteriorWithGradient(ReadOnlySpan<double> x, Span<double> meanGradient, Span<double> varianceGradient)
    {
        var kernel = Fitted().FittedKernel!;
        int n = _n, d = _d;
        CheckPoints(x, 1, d);
        var k = new double[n];
        kernel.Evaluate(x, 1, _xTrain, n, d, k);
        var dk = new double[n * d];                      // ∂k(x, X_j)/∂x
        kernel.InputGradient(x, _xTrain, n, d, dk);
        var self = new double[1];
        kernel.Diagonal(x, 1, d, self);
        var selfGradient = new double[d];                // ∂₁k(x, y) at y = x; d k(x, x)/dx is twice that
        kernel.InputGradient(x, x, 1, d, selfGradient);
        double mean = 0;
        for (int j = 0; j < n; j++) mean += k[j] * _alpha![j];
        var w = (double[])k.Clone();                     // K⁻¹ k(X, x)
        DenseLinalg.CholeskySolveInPlace(_l, n, w, 1);
        double variance = self[0];
        for (int j = 0; j < n; j++) variance -= k[j] * w[j];
        double s = _yStd, s2 = _yStd * _yStd;
        for (int c = 0; c < d; c++)
        {
            double gm = 0, gv = 2 * selfGradient[c];
            for (int j = 0; j < n; j++) { gm += _alpha![j] * dk[j * d + c]; gv -= 2 * w[j] * dk[j * d + c]; }
            meanGradient[c] = s * gm;
            // The reported variance is max(v, 0): where round-off made v negative it is flat in x.
            varianceGradient[c] = variance > 0 ? s2 * gv : 0;
        }
        return (s * mean + _yMean, s2 * Math.Max(variance, 0));
    }

    (double[] Mean, double[] Covariance) IPosteriorModel.Posterior(ReadOnlySpan<double> x, int q)
    {
        int d = Fitted()._d;
        CheckPoints(x, q, d);
        var (mean, _, cov) = PredictCore(x.ToArray(), q, d, fullCovariance: true, _alpha, _yMean, _yStd);
        return (mean, cov!);
    }

    void IPosteriorModel.PosteriorBackward(ReadOnlySpan<double> x, int q, ReadOnlySpan<double> meanGradient, ReadOnlySpan<double> covarianceGradient, Span<double> xGradient)
    {
        var kernel = Fitted().FittedKernel!;
        int n = _n, d = _d;
        CheckPoints(x, q, d);
        var kt = new double[n * q];                      // K(X, X*), then W = K⁻¹ K(X, X*)
        kernel.Evaluate(_xTrain, n, x, q, d, kt);
        DenseLinalg.CholeskySolveInPlace(_l, n, kt, q);
        double s = _yStd, s2 = _yStd * _yStd;
        var dk = new double[n * d];
        var dSelf = new double[q * d];
        for (int a = 0; a < q; a++)
        {
            var xa = x.Slice(a * d, d);
            kernel.InputGradient(xa, _xTrain, n, d, dk);  // ∂k(x_a, X_j)/∂x_a
            kernel.InputGradient(xa, x, q, d, dSelf);     // ∂₁k(x_a, x_b)
            // cov_ab = k(x_a, x_b) − k(x_a, X)·K⁻¹·k(X, x_b): x_a enters row a and column a, hence covBar_ab + covBar_ba.
            for (int j = 0; j < n; j++)
            {
                double coefficient = s * meanGradient[a] * _alpha![j];
                for (int b = 0; b < q; b++) coefficient -= s2 * (covarianceGradient[a * q + b] + covarianceGradient[b * q + a]) * kt[j * q + b];
                for (int c = 0; c < d; c++) xGradient[a * d + c] += coefficient * dk[j * d + c];
            }
            for (int b = 0; b < q; b++)
            {
                double weight = s2 * (covarianceGradient[a * q + b] + covarianceGradient[b * q + a]);
                for (int c = 0; c < d; c++) xGradient[a * d + c] += weight * dSelf[b * d + c];
            }
        }
    }

    private GaussianProcessRegressor Fitted()
    {
        ThrowIfMultiTarget("the posterior-model interface (one target)");
        return FittedKernel is not null && _alpha is not null && _l is not null
            ? this : throw new InvalidOperationException("call Fit before using the regressor as a posterior model");
    }

    private static void CheckPoints(ReadOnlySpan<double> x, int count, int d)
    {
        if (count < 1 || x.Length != (long)count * d)
            throw new ArgumentException($"expected {count} points of dimension {d} ({(long)count * d} values), got {x.Length} values", nameof(x));
    }
}
