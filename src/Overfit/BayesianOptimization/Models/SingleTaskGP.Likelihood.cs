using System.Runtime.CompilerServices;
using Overfit.GaussianProcesses;
using Overfit.Tensors.Kernels;

namespace Overfit.BayesianOptimization;

public sealed partial class SingleTaskGP
{
    // BoTorch's priors, as the GP core's prior objects (Gamma(concentration, rate); LogNormal(loc, scale)).
    private static readonly Prior GammaLengthscale = new GammaPrior(3.0, 6.0), GammaOutputScale = new GammaPrior(2.0, 0.15),
        GammaNoise = new GammaPrior(1.1, 0.05), LogNormalNoise = new LogNormalPrior(-4.0, 1.0);

    // Fitting bounds of the length scales (normalized input units) and of the output scale.
    private const double LengthscaleLow = 0.005, LengthscaleHigh = 50, OutputScaleLow = 0.01, OutputScaleHigh = 100;

    /// <summary>
    /// BoTorch's covariance module on the core's kernels: ConstantKernel (output scale, when learned) × the options'
    /// stationary kernel with one length scale per dimension, plus a WhiteKernel for the learned noise. Initial
    /// values: length scale 0.5 (unit-cube inputs) or 1 (raw inputs), output scale 1, noise max(0.01, floor).
    /// Returns the latent-function kernel, the kernel of the observations and their parts.
    /// </summary>
    private static (Kernel Signal, Kernel Covariance, StationaryKernel Base, ConstantKernel? OutputScale, WhiteKernel? Noise) CovarianceModule(
        SingleTaskGPOptions options, int d, bool learnNoise)
    {
        if (options.Kernel is null) throw new ArgumentException("options.Kernel: expected a Matern or RBF kernel, got null", nameof(options));
        Prior? lengthscalePrior = null, noisePrior = null, outputScalePrior = null;
        if (options.UsePriors)
        {
            // Hvarfner et al.'s dimension-scaled lengthscale prior LogNormal(√2 + log(d)/2, √3).
            lengthscalePrior = options.Priors == GPPriorKind.Gamma ? GammaLengthscale : new LogNormalPrior(Math.Sqrt(2) + 0.5 * Math.Log(d), Math.Sqrt(3));
            noisePrior = options.Priors == GPPriorKind.Gamma ? GammaNoise : LogNormalNoise;
            outputScalePrior = GammaOutputScale;
        }
        double initialLengthscale = Math.Clamp(options.NormalizeInputs ? 0.5 : 1.0, LengthscaleLow, LengthscaleHigh);
        var lengthscales = Enumerable.Repeat(initialLengthscale, d).ToArray();
        var correlation = options.Kernel.WithLengthScale(lengthscales, LengthscaleLow, LengthscaleHigh, lengthscalePrior);
        ConstantKernel? outputScale = options.LearnOutputScale ? new ConstantKernel(1.0, OutputScaleLow, OutputScaleHigh, prior: outputScalePrior) : null;
        Kernel signal = outputScale is null ? correlation : outputScale * correlation;
        if (!learnNoise) return (signal, signal, correlation, outputScale, null);
        double floor = Math.Max(options.NoiseBounds.Low, options.NoiseFloor), high = options.NoiseBounds.High;
        if (!(floor > 0 && high >= floor))
            throw new ArgumentException($"options.NoiseBounds: expected 0 < max(low, NoiseFloor) <= high, got ({floor}, {high})", nameof(options));
        var noise = new WhiteKernel(Math.Clamp(Math.Max(1e-2, options.NoiseFloor), floor, high), floor, high, prior: noisePrior);
        return (signal, signal + noise, correlation, outputScale, noise);
    }

    /// <summary>
    /// −(log p(y | θ, mean) + log prior(θ)) / n over (the covariance module's theta, then the constant mean when learned),
    /// with the gradient written when a buffer is given: the core's exact marginal likelihood on
    /// <paramref name="covariance"/> (which the evaluations retune). +∞ where K cannot be factored even with jitter.
    /// </summary>
    private Func<double[], double[]?, double> NegativeObjectiveOf(Kernel covariance)
    {
        int n = Count, p = covariance.ThetaCount;
        bool learnMean = Options.LearnMean;
        var likelihood = new MarginalLikelihood(covariance, _xNorm, n, Dimension, _yStd, 0, _trainNoise);
        var kernelTheta = new double[p];
        var kernelGradient = new double[p];
        return [MethodImpl(MethodImplOptions.AggressiveOptimization)] (theta, grad) =>
        {
            Array.Copy(theta, kernelTheta, p);
            double mean = learnMean ? theta[p] : 0;
            double value = likelihood.Evaluate(kernelTheta, mean, grad is null ? null : kernelGradient, out double meanGradient);
            if (!double.IsFinite(value)) return double.PositiveInfinity;
            value += covariance.LogPrior();
            if (grad is not null)
            {
                var priorGradient = covariance.LogPriorGradient();
                for (int i = 0; i < p; i++) grad[i] = -(kernelGradient[i] + priorGradient[i]) / n;
                if (learnMean) grad[p] = -meanGradient / n;
            }
            return -value / n;
        };
    }

    /// <summary>The fitting objective at <paramref name="theta"/> on a copy of the covariance module (internal: tests check it).</summary>
    internal double NegativeObjective(double[] theta, double[] grad) => NegativeObjectiveOf(_covariance.Clone())(theta, grad);

    /// <summary>Sets the hyperparameters and caches the core's posterior (Cholesky factor and weights).</summary>
    private void SetHyperparameters(double[] theta)
    {
        int n = Count, p = _covariance.ThetaCount;
        if (theta.Length != p + (Options.LearnMean ? 1 : 0))
            throw new ArgumentException($"expected {p + (Options.LearnMean ? 1 : 0)} raw hyperparameters, got {theta.Length}", nameof(theta));
        var kernelTheta = theta[..p];
        double mean = Options.LearnMean ? theta[p] : 0;
        var likelihood = new MarginalLikelihood(_covariance, _xNorm, n, Dimension, _yStd, 0, _trainNoise);
        double logLikelihood = likelihood.Evaluate(kernelTheta, mean, null, out _);
        var factor = double.IsFinite(logLikelihood) ? likelihood.TakeFactorAt(kernelTheta, out _) : null;
        if (factor is null)
            throw new InvalidOperationException("the fitted kernel matrix is not positive definite even with jitter; remove duplicate points or raise the noise floor");
        var alpha = new double[n];
        for (int i = 0; i < n; i++) alpha[i] = _yStd[i] - mean;
        DenseLinalg.CholeskySolveInPlace(factor, n, alpha, 1);
        Lengthscales = _base.LengthScale;
        OutputScale = _outputScale?.ConstantValue ?? 1.0;
        Noise = _noise?.NoiseLevel ?? double.NaN;
        MeanConstant = mean;
        RawHyperparameters = (double[])theta.Clone();
        LogMarginalLikelihood = logLikelihood;
        LogPosterior = logLikelihood + _covariance.LogPrior();
        _posterior = new ExactPosterior(_signal, _xNorm, n, Dimension, factor, alpha, mean, OutcomeMean, OutcomeScale, MinVariance);
    }
}
