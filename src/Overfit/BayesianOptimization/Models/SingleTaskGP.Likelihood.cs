using Overfit.GaussianProcesses;
using Overfit.Tensors.Kernels;

namespace Overfit.BayesianOptimization;

public sealed partial class SingleTaskGP
{
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    private readonly record struct Hyper(double[] Lengthscales, double OutputScale, double Noise, double Mean);

    private Hyper Unpack(ReadOnlySpan<double> theta)
    {
        var ls = new double[Dimension];
        for (int k = 0; k < Dimension; k++) ls[k] = Math.Exp(theta[Options.Ard ? k : 0]);
        double os = OutputScaleIndex >= 0 ? Math.Exp(theta[OutputScaleIndex]) : 1.0;
        double noise = NoiseIndex >= 0 ? Math.Exp(theta[NoiseIndex]) : double.NaN;
        double mean = MeanIndex >= 0 ? theta[MeanIndex] : 0.0;
        return new Hyper(ls, os, noise, mean);
    }

    /// <summary>Builds K = outputscale·k(X,X) + noise; returns K, its noise-free part scale factor and dk/dr² (n×n each).</summary>
    private (double[] K, double[] Kf, double[] DkDr2) KernelMatrix(Hyper h)
    {
        int n = Count;
        var k = new double[n * n]; var kf = new double[n * n]; var dk = new double[n * n];
        int groups = _sqDiff.Length;
        var invL2 = new double[groups];
        for (int g = 0; g < groups; g++) invL2[g] = 1.0 / (h.Lengthscales[g] * h.Lengthscales[g]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                int ij = i * n + j;
                double r2 = 0;
                for (int g = 0; g < groups; g++) r2 += _sqDiff[g][ij] * invL2[g];
                double v = h.OutputScale * Options.Kernel.CorrelationAt(r2);
                double dv = h.OutputScale * Options.Kernel.CorrelationDerivativeR2(r2);
                kf[ij] = kf[j * n + i] = v;
                dk[ij] = dk[j * n + i] = dv;
            }
        Array.Copy(kf, k, n * n);
        for (int i = 0; i < n; i++) k[i * n + i] += _fixedNoise is null ? h.Noise : _fixedNoise[i];
        return (k, kf, dk);
    }

    /// <summary>Cholesky of <paramref name="k"/> with the one jitter ladder (<see cref="DenseLinalg.TryPsdSafeCholesky"/>); null if it still fails.</summary>
    internal static double[]? CholeskyWithJitter(double[] k, int n)
    {
        var work = new double[k.Length];
        return double.IsNaN(DenseLinalg.TryPsdSafeCholesky(k, n, work)) ? null : work;
    }

    /// <summary>-(log p(y|θ) + log prior(θ)) / n and its gradient with respect to the log-parameters θ (internal: tests check the gradient).</summary>
    internal double NegativeObjective(ReadOnlySpan<double> theta, Span<double> grad)
    {
        int n = Count;
        var h = Unpack(theta);
        var (k, kf, dk) = KernelMatrix(h);
        var l = CholeskyWithJitter(k, n);
        if (l is null) return double.PositiveInfinity;
        var alpha = new double[n];
        for (int i = 0; i < n; i++) alpha[i] = _yStd[i] - h.Mean;
        double rr = 0;
        var resid = (double[])alpha.Clone();
        DenseLinalg.CholeskySolveInPlace(l, n, alpha, 1);
        for (int i = 0; i < n; i++) rr += resid[i] * alpha[i];
        double logp = -0.5 * rr - 0.5 * DenseLinalg.LogDetFromCholesky(l, n) - 0.5 * n * LogTwoPi;

        // W = alpha alpha^T - K^{-1}; dlogp/dθ = 0.5 tr(W dK/dθ).
        var w = new double[n * n];
        DenseLinalg.InverseFromCholesky(l, n, w);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) w[i * n + j] = alpha[i] * alpha[j] - w[i * n + j];

        grad.Clear();
        var m = new double[n * n];
        for (int i = 0; i < m.Length; i++) m[i] = w[i] * dk[i];
        for (int g = 0; g < _sqDiff.Length; g++)
        {
            double s = 0;
            var sq = _sqDiff[g];
            for (int i = 0; i < m.Length; i++) s += m[i] * sq[i];
            grad[g] = -s / (h.Lengthscales[g] * h.Lengthscales[g]);
        }
        if (OutputScaleIndex >= 0)
        {
            double s = 0;
            for (int i = 0; i < w.Length; i++) s += w[i] * kf[i];
            grad[OutputScaleIndex] = 0.5 * s;
        }
        if (NoiseIndex >= 0)
        {
            double tr = 0;
            for (int i = 0; i < n; i++) tr += w[i * n + i];
            grad[NoiseIndex] = 0.5 * h.Noise * tr;
        }
        if (MeanIndex >= 0) grad[MeanIndex] = alpha.Sum();

        double logPrior = LogPrior(h, grad);
        for (int i = 0; i < grad.Length; i++) grad[i] = -grad[i] / n;
        return -(logp + logPrior) / n;
    }

    /// <summary>Sets the hyperparameters and caches the Cholesky factor and weights used by every posterior.</summary>
    private void SetHyperparameters(double[] theta)
    {
        int n = Count, d = Dimension;
        var h = Unpack(theta);
        var (k, _, _) = KernelMatrix(h);
        _chol = CholeskyWithJitter(k, n)
            ?? throw new InvalidOperationException("the fitted kernel matrix is not positive definite even with jitter; remove duplicate points or raise the noise floor");
        _alpha = new double[n];
        for (int i = 0; i < n; i++) _alpha[i] = _yStd[i] - h.Mean;
        DenseLinalg.CholeskySolveInPlace(_chol, n, _alpha, 1);
        Lengthscales = h.Lengthscales;
        OutputScale = h.OutputScale;
        Noise = h.Noise;
        MeanConstant = h.Mean;
        RawHyperparameters = (double[])theta.Clone();
        _xScaled = new double[n * d];
        _xScaledSq = new double[n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++)
            {
                double v = _xNorm[i * d + c] / Lengthscales[c];
                _xScaled[i * d + c] = v;
                _xScaledSq[i] += v * v;
            }
        var scratch = new double[theta.Length];
        double objective = NegativeObjective(theta, scratch);
        LogPosterior = -objective * n;
        LogMarginalLikelihood = LogPosterior - LogPrior(h, new double[theta.Length]);
    }

    // BoTorch's priors, as the GP core's prior objects (Gamma(concentration, rate); LogNormal(loc, scale)).
    private static readonly Prior GammaLengthscale = new GammaPrior(3.0, 6.0), GammaOutputScale = new GammaPrior(2.0, 0.15),
        GammaNoise = new GammaPrior(1.1, 0.05), LogNormalNoise = new LogNormalPrior(-4.0, 1.0);

    /// <summary>Sum of the log prior densities (0 without priors); adds their derivatives in θ to <paramref name="grad"/>.</summary>
    private double LogPrior(Hyper h, Span<double> grad)
    {
        if (!Options.UsePriors) return 0;
        double lp = 0;
        // Hvarfner et al.'s dimension-scaled lengthscale prior LogNormal(√2 + log(d)/2, √3).
        Prior lengthscale = Options.Priors == GPPriorKind.Gamma ? GammaLengthscale : new LogNormalPrior(Math.Sqrt(2) + 0.5 * Math.Log(Dimension), Math.Sqrt(3));
        for (int g = 0; g < _sqDiff.Length; g++) lp += Add(lengthscale, h.Lengthscales[g], ref grad[g]);
        if (OutputScaleIndex >= 0) lp += Add(GammaOutputScale, h.OutputScale, ref grad[OutputScaleIndex]);
        if (NoiseIndex >= 0) lp += Add(Options.Priors == GPPriorKind.Gamma ? GammaNoise : LogNormalNoise, h.Noise, ref grad[NoiseIndex]);
        return lp;
    }

    /// <summary>log prior(p), adding its derivative in log p to <paramref name="gradLog"/>.</summary>
    private static double Add(Prior prior, double p, ref double gradLog)
    {
        gradLog += prior.LogDensityGradientLog(p);
        return prior.LogDensity(p);
    }
}
