using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

public sealed partial class GaussianProcessRegressor
{
    /// <summary>Posterior (or, before Fit, prior) mean and standard deviation at the rows of X.</summary>
    public (double[] Mean, double[] Std) Predict(double[,] x)
    {
        ThrowIfMultiTarget(nameof(Predict));
        var (mean, var, _) = PredictCore(x, fullCovariance: false, _alpha, _yMean, _yStd);
        // The standard deviation is scaled after the square root: the variance of targets near 1e308 is not a double.
        for (int i = 0; i < var.Length; i++) var[i] = Math.Sqrt(var[i]) * _yStd;
        return (mean, var);
    }

    /// <summary>Posterior mean and standard deviation at x [m, d], as Float64 tensors [m].</summary>
    public (Tensor Mean, Tensor Std) Predict(Tensor x)
    {
        var (m, s) = Predict(GpInput.ToMatrix(x, nameof(x)));
        return (Tensor.FromArray(m), Tensor.FromArray(s));
    }

    /// <summary>Posterior (or prior) mean and full covariance at the rows of X.</summary>
    public (double[] Mean, double[,] Covariance) PredictCovariance(double[,] x)
    {
        ThrowIfMultiTarget(nameof(PredictCovariance));
        var (mean, _, cov) = PredictCore(x, fullCovariance: true, _alpha, _yMean, _yStd);
        return (mean, GpInput.ToMatrix(cov!, mean.Length, mean.Length));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private (double[] Mean, double[] Var, double[]? Cov) PredictCore(double[,] xStar, bool fullCovariance, double[]? alpha, double yMean, double yStd)
    {
        var (xs, m, d) = GpInput.Matrix(xStar, nameof(xStar));
        return PredictCore(xs, m, d, fullCovariance, alpha, yMean, yStd);
    }

    /// <summary>
    /// The posterior of one target: α = K⁻¹y of its (standardized) values and the standardization to undo. The mean is in
    /// target units; without the full covariance the variances stay in standardized units (callers scale the standard
    /// deviation, or the variance, by yStd themselves: a variance near 1e308² is no double).
    /// </summary>
    private (double[] Mean, double[] Var, double[]? Cov) PredictCore(double[] xs, int m, int d, bool fullCovariance, double[]? alpha, double yMean, double yStd)
    {
        double[] mean, variance;
        double[]? cov = null;
        if (FittedKernel is not null)
        {
            if (d != _d) throw new ArgumentException($"X must have {_d} columns like the training inputs, got {d}", "x");
            (mean, variance, cov) = new ExactPosterior(FittedKernel, _xTrain!, _n, _d, _l!, alpha!, 0, yMean, yStd, 0).Moments(xs, m, fullCovariance);
        }
        else
        {
            mean = new double[m];
            variance = new double[m];
            if (fullCovariance) { cov = new double[ExactInference.Elements(m, m, "x")]; Kernel.EvaluateSymmetric(xs, m, d, cov); }
            else Kernel.Diagonal(xs, m, d, variance);
            for (int j = 0; j < m; j++) mean[j] = yMean;
        }
        if (cov is not null)
            for (int j = 0; j < m; j++) variance[j] = cov[j * m + j];
        for (int j = 0; j < m; j++)
        {
            // Round-off can make a posterior variance slightly negative; scikit-learn clips it to zero too.
            if (variance[j] < 0) variance[j] = 0;
            if (fullCovariance) variance[j] *= yStd * yStd; // see the summary: Predict scales the standard deviation
        }
        if (cov is not null)
        {
            double s2 = yStd * yStd;
            for (int i = 0; i < cov.Length; i++) cov[i] *= s2;
        }
        return (mean, variance, cov);
    }

    /// <summary>Joint draws from the posterior (the prior before Fit) at the rows of X: an m×nSamples array, like scikit-learn's sample_y.</summary>
    public double[,] SamplePosterior(double[,] x, int nSamples = 1, ulong seed = 0)
    {
        if (nSamples < 1) throw new ArgumentOutOfRangeException(nameof(nSamples), $"nSamples must be >= 1, got {nSamples}");
        var (mean, cov) = PredictCovariance(x);
        var mvn = new MultivariateNormal(mean, cov);
        var draws = mvn.Sample(nSamples, new Generator(seed)); // nSamples×m
        int m = mean.Length;
        var r = new double[m, nSamples];
        for (int s = 0; s < nSamples; s++)
            for (int j = 0; j < m; j++) r[j, s] = draws[s, j];
        return r;
    }

    /// <summary>Joint draws from the prior of the given kernel (unfitted hyperparameters) at the rows of X.</summary>
    public double[,] SamplePrior(double[,] x, int nSamples = 1, ulong seed = 0) =>
        new GaussianProcessRegressor(Kernel, Alpha).SamplePosterior(x, nSamples, seed);
}
