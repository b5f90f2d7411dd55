using System.Runtime.CompilerServices;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// The posterior of an exact GP, shared by every model of the core (the regressor and BO's SingleTaskGP): the prior
/// kernel, the training inputs (n×d, in the model's own coordinates), the lower Cholesky factor L of K + noise and the
/// weights α = (K + noise)⁻¹(y − m) of the standardized targets, plus the constant prior mean m and the standardization
/// to undo (outcome = outcomeMean + outcomeScale·standardized). The latent mean is m + k(x, X)α and the latent variance
/// k(x, x) − k(x, X)K⁻¹k(X, x); reported variances are clamped at <paramref name="minVariance"/> (in standardized
/// units), and where the clamp is active the variance gradient is zero.
/// </summary>
internal sealed class ExactPosterior(Kernel kernel, double[] xTrain, int n, int d, double[] factor, double[] alpha,
    double priorMean, double outcomeMean, double outcomeScale, double minVariance) : IPosteriorModel
{
    /// <summary>Test points per block of K(X, X*) when only variances are wanted: the block stays near 32 MB whatever m is.</summary>
    private const int BlockElements = 1 << 22;

    public int Dimension => d;

    /// <summary>
    /// Latent mean (in outcome units) and, in standardized units and not clamped, the variances or the full covariance
    /// at m points (m×d). Without the full covariance the points go in blocks, so K(X, X*) never needs n·m doubles at once.
    /// </summary>
[MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Mean, double[] Variance, double[]? Covariance) Moments(ReadOnlySpan<double> xs, int m, bool fullCovariance)
    {
        var mean = new double[m];
        var variance = new double[m];
        double[]? cov = null;
        if (fullCovariance) { cov = new double[ExactInference.Elements(m, m, "x")]; kernel.EvaluateSymmetric(xs, m, d, cov); }
        else kernel.Diagonal(xs, m, d, variance);
        int block = fullCovariance ? m : Math.Clamp(BlockElements / n, 1, m);
        var kt = new double[ExactInference.Elements(n, block, "x")]; // K(X_train, X*) for one block
        double[]? rows = block < n ? new double[n * block] : null;
        for (int j0 = 0; j0 < m; j0 += block)
        {
            int mb = Math.Min(block, m - j0);
            var kb = kt.AsSpan(0, n * mb);
            if (rows is null) kernel.Evaluate(xTrain, n, xs.Slice(j0 * d, mb * d), mb, d, kb);
            else
            {
                // Fewer test points than training points (an acquisition's single point): the kernels vectorize along
                // a row, so K(X*, X) is made row by row over the n training points and transposed.
                kernel.Evaluate(xs.Slice(j0 * d, mb * d), mb, xTrain, n, d, rows);
                for (int j = 0; j < mb; j++)
                    for (int i = 0; i < n; i++) kb[i * mb + j] = rows[j * n + i];
            }
            Gemm.Multiply(true, false, mb, 1, n, 1.0, kb, mb, alpha, 1, 0.0, mean.AsSpan(j0, mb), 1);
            DenseLinalg.SolveLowerInPlace(factor, n, kb, mb); // V = L⁻¹ K(X, X*)
            if (cov is not null) Gemm.Multiply(true, false, m, m, n, -1.0, kb, m, kb, m, 1.0, cov, m);
            else
            {
                var v = variance.AsSpan(j0, mb);
                for (int i = 0; i < n; i++)
                {
                    var row = kb.Slice(i * mb, mb);
                    for (int j = 0; j < mb; j++) v[j] -= row[j] * row[j];
                }
            }
        }
        if (cov is not null)
            for (int j = 0; j < m; j++) variance[j] = cov[j * m + j];
        for (int j = 0; j < m; j++) mean[j] = (mean[j] + priorMean) * outcomeScale + outcomeMean;
        return (mean, variance, cov);
    }

[MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PosteriorMeanVariance(ReadOnlySpan<double> x, int m, Span<double> mean, Span<double> variance)
    {
        CheckPoints(x, m);
        if (mean.Length < m || variance.Length < m) throw new ArgumentException($"expected output spans of length {m}", nameof(mean));
        var (mu, v, _) = Moments(x, m, fullCovariance: false);
        mu.CopyTo(mean);
        double s2 = outcomeScale * outcomeScale;
        for (int i = 0; i < m; i++) variance[i] = Math.Max(v[i], minVariance) * s2;
    }

[MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double Mean, double Variance) PosteriorWithGradient(ReadOnlySpan<double> x, Span<double> meanGradient, Span<double> varianceGradient)
    {
        CheckPoints(x, 1);
        var k = new double[n];
        kernel.Evaluate(x, 1, xTrain, n, d, k);
        var dk = new double[n * d];                      // ∂k(x, X_j)/∂x
        kernel.InputGradient(x, xTrain, n, d, dk);
        var self = new double[1];
        kernel.Diagonal(x, 1, d, self);
        var selfGradient = new double[d];                // ∂₁k(x, y) at y = x; d k(x, x)/dx is twice that (0 when stationary)
        if (!kernel.IsStationary) kernel.InputGradient(x, x, 1, d, selfGradient);
        double mean = priorMean;
        for (int j = 0; j < n; j++) mean += k[j] * alpha[j];
        var w = (double[])k.Clone();                     // K⁻¹ k(X, x)
        DenseLinalg.CholeskySolveInPlace(factor, n, w, 1);
        double variance = self[0];
        for (int j = 0; j < n; j++) variance -= k[j] * w[j];
        double s = outcomeScale, s2 = s * s;
        for (int c = 0; c < d; c++)
        {
            double gm = 0, gv = 2 * selfGradient[c];
            for (int j = 0; j < n; j++) { gm += alpha[j] * dk[j * d + c]; gv -= 2 * w[j] * dk[j * d + c]; }
            meanGradient[c] = s * gm;
            // The reported variance is max(v, minVariance): where that clamp is active it is flat in x.
            varianceGradient[c] = variance > minVariance ? s2 * gv : 0;
        }
        return (s * mean + outcomeMean, s2 * Math.Max(variance, minVariance));
    }

    public (double[] Mean, double[] Covariance) Posterior(ReadOnlySpan<double> x, int q)
    {
        CheckPoints(x, q);
        var (mean, _, cov) = Moments(x, q, fullCovariance: true);
        double s2 = outcomeScale * outcomeScale;
        for (int a = 0; a < q; a++) cov![a * q + a] = Math.Max(cov[a * q + a], minVariance);
        for (int i = 0; i < cov!.Length; i++) cov[i] *= s2;
        return (mean, cov);
    }

[MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PosteriorBackward(ReadOnlySpan<double> x, int q, ReadOnlySpan<double> meanGradient, ReadOnlySpan<double> covarianceGradient, Span<double> xGradient)
    {
        CheckPoints(x, q);
        var kt = new double[n * q];                      // K(X, X*), then W = K⁻¹ K(X, X*)
        kernel.Evaluate(xTrain, n, x, q, d, kt);
        DenseLinalg.CholeskySolveInPlace(factor, n, kt, q);
        double s = outcomeScale, s2 = s * s;
        var dk = new double[n * d];
        var dSelf = new double[q * d];
        for (int a = 0; a < q; a++)
        {
            var xa = x.Slice(a * d, d);
            kernel.InputGradient(xa, xTrain, n, d, dk);   // ∂k(x_a, X_j)/∂x_a
            kernel.InputGradient(xa, x, q, d, dSelf);     // ∂₁k(x_a, x_b)
            // cov_ab = k(x_a, x_b) − k(x_a, X)·K⁻¹·k(X, x_b): x_a enters row a and column a, hence covBar_ab + covBar_ba.
            for (int j = 0; j < n; j++)
            {
                double coefficient = s * meanGradient[a] * alpha[j];
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

    private void CheckPoints(ReadOnlySpan<double> x, int count)
    {
        if (count < 1 || x.Length != (long)count * d)
            throw new ArgumentException($"expected {count} points of dimension {d} ({(long)count * d} values), got {x.Length} values", nameof(x));
    }
}
