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
        for (int i = 0; i < var.Length; i++) var[i] = Math.Sqrt(var[i]);
        return (mean, var);
    }

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

    /// <summary>The posterior of one target: α = K⁻¹y of its (standardized) values and the standardization to undo.</summary>
    private (double[] Mean, double[] Var, double[]? Cov) PredictCore(double[] xs, int m, int d, bool fullCovariance, double[]? alpha, double yMean, double yStd)
    {
        var kernel = FittedKernel ?? Kernel;
        var mean = new double[m];
        var variance = new double[m];
        double[]? cov = null;
        if (fullCovariance) { cov = new double[m * m]; kernel.EvaluateSymmetric(xs, m, d, cov); }
        else kernel.Diagonal(xs, m, d, variance);
        if (FittedKernel is not null)
        {
            if (d != _d) throw new ArgumentException($"X must have {_d} columns like the training inputs, got {d}", "x");
            int n = _n;
            var kt = new double[n * m]; // K(X_train, X*)
            kernel.Evaluate(_xTrain, n, xs, m, d, kt);
            Gemm.Multiply(true, false, m, 1, n, 1.0, kt, m, alpha, 1, 0.0, mean, 1);
            DenseLinalg.SolveLowerInPlace(_l, n, kt, m); // V = L⁻¹ K(X, X*)
            if (cov is not null) Gemm.Multiply(true, false, m, m, n, -1.0, kt, m, kt, m, 1.0, cov, m);
            else
            {
                for (int i = 0; i < n; i++)
                {
                    var row = kt.AsSpan(i * m, m);
                    for (int j = 0; j < m; j++) variance[j] -= row[j] * row[j];
                }
            }
        }
        if (cov is not null)
            for (int j = 0; j < m; j++) variance[j] = cov[j * m + j];
        for (int j = 0; j < m; j++)
        {
            // Round-off can make a posterior variance slightly negative; scikit-learn clips it to zero too.
            if (variance[j] < 0) variance[j] = 0;
            mean[j] = mean[j] * yStd + yMean;
            variance[j] *= yStd * yStd;
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
