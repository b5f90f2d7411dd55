using Overfit.GaussianProcesses;
using Overfit.Tensors.Kernels;

namespace Overfit.BayesianOptimization;

public sealed partial class SingleTaskGP
{
    private const double MinVariance = 1e-12;

    /// <summary>Test points (raw units, m×d) to normalized coordinates divided by the length scales, plus squared norms.</summary>
    private (double[] U, double[] USq) ScaleInputs(ReadOnlySpan<double> x, int m)
    {
        int d = Dimension;
        if (x.Length != (long)m * d) throw new ArgumentException($"expected {m}×{d} = {m * d} coordinates, got {x.Length}", nameof(x));
        var u = new double[m * d]; var usq = new double[m];
        for (int i = 0; i < m; i++)
            for (int c = 0; c < d; c++)
            {
                double v = (x[i * d + c] - _inputLow[c]) / _inputRange[c] / Lengthscales[c];
                u[i * d + c] = v;
                usq[i] += v * v;
            }
        return (u, usq);
    }

    /// <summary>Cross-covariance m×n between scaled test points and the training points, and the r² values.</summary>
    private (double[] Kc, double[] R2) CrossCovariance(double[] u, double[] usq, int m)
    {
        int n = Count, d = Dimension;
        var r2 = new double[m * n];
        Gemm.Multiply(false, true, m, n, d, -2.0, u, d, _xScaled, d, 0.0, r2, n);
        var kc = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double v = Math.Max(r2[i * n + j] + usq[i] + _xScaledSq[j], 0);
                r2[i * n + j] = v;
                kc[i * n + j] = OutputScale * Options.Kernel.CorrelationAt(v);
            }
        return (kc, r2);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">An output span is shorter than <paramref name="m"/>.</exception>
    public void PosteriorMeanVariance(ReadOnlySpan<double> x, int m, Span<double> mean, Span<double> variance)
    {
        if (mean.Length < m || variance.Length < m) throw new ArgumentException($"expected output spans of length {m}", nameof(mean));
        int n = Count;
        var (u, usq) = ScaleInputs(x, m);
        var (kc, _) = CrossCovariance(u, usq, m);
        var b = new double[n * m];
        for (int i = 0; i < m; i++)
        {
            double mu = MeanConstant;
            for (int j = 0; j < n; j++) { mu += kc[i * n + j] * _alpha[j]; b[j * m + i] = kc[i * n + j]; }
            mean[i] = OutcomeMean + OutcomeScale * mu;
        }
        DenseLinalg.SolveLowerInPlace(_chol, n, b, m);
        var explained = new double[m];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) explained[i] += b[j * m + i] * b[j * m + i];
        for (int i = 0; i < m; i++)
            variance[i] = OutcomeScale * OutcomeScale * Math.Max(OutputScale - explained[i], MinVariance);
    }

    /// <summary>Predictive mean and standard deviation at m points given as an m×d matrix.</summary>
    public (double[] Mean, double[] StdDev) Predict(double[,] x)
    {
        int m = x.GetLength(0);
        if (x.GetLength(1) != Dimension) throw new ArgumentException($"expected {Dimension} columns, got {x.GetLength(1)}", nameof(x));
        var flat = new double[x.Length];
        Buffer.BlockCopy(x, 0, flat, 0, flat.Length * sizeof(double));
        var mean = new double[m]; var variance = new double[m];
        PosteriorMeanVariance(flat, m, mean, variance);
        return (mean, variance.Select(Math.Sqrt).ToArray());
    }

    /// <inheritdoc/>
    public (double Mean, double Variance) PosteriorWithGradient(ReadOnlySpan<double> x, Span<double> meanGradient, Span<double> varianceGradient)
    {
        int n = Count, d = Dimension;
        var (u, usq) = ScaleInputs(x, 1);
        var (kc, r2) = CrossCovariance(u, usq, 1);
        var w = (double[])kc.Clone();
        DenseLinalg.CholeskySolveInPlace(_chol, n, w, 1);
        double mu = MeanConstant, explained = 0;
        for (int j = 0; j < n; j++) { mu += kc[j] * _alpha[j]; explained += kc[j] * w[j]; }
        double rawVar = OutputScale - explained;
        meanGradient.Clear(); varianceGradient.Clear();
        for (int j = 0; j < n; j++)
        {
            double dk = OutputScale * Options.Kernel.CorrelationDerivativeR2(r2[j]) * 2;
            for (int c = 0; c < d; c++)
            {
                double dkdx = dk * (u[c] - _xScaled[j * d + c]) / (Lengthscales[c] * _inputRange[c]);
                meanGradient[c] += _alpha[j] * dkdx;
                varianceGradient[c] -= 2 * w[j] * dkdx;
            }
        }
        double s = OutcomeScale, s2 = s * s;
        for (int c = 0; c < d; c++)
        {
            meanGradient[c] *= s;
            varianceGradient[c] = rawVar > MinVariance ? varianceGradient[c] * s2 : 0;
        }
        return (OutcomeMean + s * mu, s2 * Math.Max(rawVar, MinVariance));
    }

    /// <inheritdoc/>
    public (double[] Mean, double[] Covariance) Posterior(ReadOnlySpan<double> x, int q)
    {
        int n = Count, d = Dimension;
        var (u, usq) = ScaleInputs(x, q);
        var (kc, _) = CrossCovariance(u, usq, q);
        var mean = new double[q];
        var v = new double[n * q];
        for (int a = 0; a < q; a++)
        {
            double mu = MeanConstant;
            for (int j = 0; j < n; j++) { mu += kc[a * n + j] * _alpha[j]; v[j * q + a] = kc[a * n + j]; }
            mean[a] = OutcomeMean + OutcomeScale * mu;
        }
        DenseLinalg.SolveLowerInPlace(_chol, n, v, q);
        var cov = new double[q * q];
        Gemm.Multiply(true, false, q, q, n, -1.0, v, q, v, q, 0.0, cov, q);
        double s2 = OutcomeScale * OutcomeScale;
        for (int a = 0; a < q; a++)
            for (int b = 0; b < q; b++)
            {
                double r2 = 0;
                for (int c = 0; c < d; c++) { double diff = u[a * d + c] - u[b * d + c]; r2 += diff * diff; }
                double value = cov[a * q + b] + OutputScale * Options.Kernel.CorrelationAt(r2);
                if (a == b) value = Math.Max(value, MinVariance);
                cov[a * q + b] = s2 * value;
            }
        return (mean, cov);
    }

    /// <inheritdoc/>
    public void PosteriorBackward(ReadOnlySpan<double> x, int q, ReadOnlySpan<double> meanGradient, ReadOnlySpan<double> covarianceGradient, Span<double> xGradient)
    {
        int n = Count, d = Dimension;
        var (u, usq) = ScaleInputs(x, q);
        var (kc, r2) = CrossCovariance(u, usq, q);
        double s = OutcomeScale, s2 = s * s;
        var covBar = new double[q * q];
        for (int a = 0; a < q; a++)
            for (int b = 0; b < q; b++) covBar[a * q + b] = 0.5 * s2 * (covarianceGradient[a * q + b] + covarianceGradient[b * q + a]);
        // W = K^{-1} Kc^T (n×q)
        var w = new double[n * q];
        for (int a = 0; a < q; a++)
            for (int j = 0; j < n; j++) w[j * q + a] = kc[a * n + j];
        DenseLinalg.CholeskySolveInPlace(_chol, n, w, q);
        for (int a = 0; a < q; a++)
        {
            var ga = xGradient.Slice(a * d, d);
            double mBar = s * meanGradient[a];
            for (int j = 0; j < n; j++)
            {
                double coef = mBar * _alpha[j];
                for (int b = 0; b < q; b++) coef -= 2 * covBar[a * q + b] * w[j * q + b];
                if (coef == 0) continue;
                double dk = coef * OutputScale * Options.Kernel.CorrelationDerivativeR2(r2[a * n + j]) * 2;
                for (int c = 0; c < d; c++) ga[c] += dk * (u[a * d + c] - _xScaled[j * d + c]) / (Lengthscales[c] * _inputRange[c]);
            }
            for (int b = 0; b < q; b++)
            {
                if (b == a) continue;
                double rab = 0;
                for (int c = 0; c < d; c++) { double diff = u[a * d + c] - u[b * d + c]; rab += diff * diff; }
                double dk = 2 * covBar[a * q + b] * OutputScale * Options.Kernel.CorrelationDerivativeR2(rab) * 2;
                for (int c = 0; c < d; c++) ga[c] += dk * (u[a * d + c] - u[b * d + c]) / (Lengthscales[c] * _inputRange[c]);
            }
        }
    }
}
