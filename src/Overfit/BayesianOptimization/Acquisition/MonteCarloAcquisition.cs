using Overfit.GaussianProcesses;
using System.Collections.Concurrent;

namespace Overfit.BayesianOptimization;

/// <summary>
/// Monte Carlo acquisition over the joint posterior of the q candidates (plus baseline or pending points): samples
/// f = mean + L ε with L the Cholesky factor of the joint covariance and ε fixed quasi-random normal base samples
/// (scrambled Sobol through the inverse CDF), so the value is a deterministic, differentiable function of the batch.
/// Gradients flow through the samples, the Cholesky factor (Murray 2016) and the model's posterior backward pass.
/// </summary>
public abstract class MonteCarloAcquisition : AcquisitionFunction
{
    private readonly ConcurrentDictionary<int, double[]> _baseSamples = new();

    /// <summary>Sets the sample count, the seed of the base samples and the pending points (row-major, d per point).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numSamples"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="pending"/> is not a whole number of points.</exception>
    protected MonteCarloAcquisition(IPosteriorModel model, int numSamples, ulong seed, double[]? pending) : base(model)
    {
        if (numSamples < 1) throw new ArgumentOutOfRangeException(nameof(numSamples), numSamples, $"expected at least one sample, got {numSamples}");
        if (pending is not null && pending.Length % model.Dimension != 0)
            throw new ArgumentException($"pending points have {pending.Length} coordinates, expected a multiple of {model.Dimension}", nameof(pending));
        NumSamples = numSamples;
        Seed = seed;
        Pending = pending ?? [];
    }

    /// <summary>Number of Monte Carlo samples S.</summary>
    public int NumSamples { get; }
    /// <summary>Seed of the quasi-random base samples.</summary>
    public ulong Seed { get; }
    /// <summary>Pending points (row-major), treated as part of every batch.</summary>
    public double[] Pending { get; }
    /// <summary>Batches of up to 32 points are accepted.</summary>
    public override int MaxBatchSize => 32;

    /// <summary>Points appended after the candidates and pending points (the baseline of noisy EI).</summary>
    protected virtual double[] ExtraPoints => [];

    /// <summary>
    /// Reduces samples f (S×total, columns: candidates and pending, then extra points) to the acquisition value;
    /// when the gradient arrays are given, writes dvalue/df (S×total) and any direct dvalue/dmean (total).
    /// </summary>
    protected abstract double Reduce(double[] f, double[] mean, int samples, int batch, int total, double[]? fGrad, double[]? meanGrad);

    /// <summary>
    /// Fixed base samples per joint size: scrambled Sobol normals while the joint size fits the Sobol table
    /// (<see cref="SobolEngine.MaxDimension"/>), seeded pseudo-random normals beyond (e.g. noisy EI over many baseline points).
    /// </summary>
    private double[] BaseSamples(int total)
        => _baseSamples.GetOrAdd(total, t =>
        {
            if (t <= SobolEngine.MaxDimension) return SobolEngine.DrawNormal(NumSamples, t, Seed);
            var rng = new Tensors.Generator(Seed);
            var z = new double[NumSamples * t];
            for (int i = 0; i < z.Length; i++) z[i] = rng.NextNormal();
            return z;
        });

    /// <inheritdoc/>
    public override double Evaluate(ReadOnlySpan<double> x, int q = 1) => Run(x, q, false, default);

    /// <inheritdoc/>
    public override double EvaluateWithGradient(ReadOnlySpan<double> x, int q, Span<double> gradient) => Run(x, q, true, gradient);

    private double Run(ReadOnlySpan<double> x, int q, bool withGradient, Span<double> gradient)
    {
        CheckBatch(x, q);
        int d = Dimension;
        var extra = ExtraPoints;
        int batch = q + Pending.Length / d;
        int total = batch + extra.Length / d;
        var points = new double[total * d];
        x.CopyTo(points);
        Pending.CopyTo(points, q * d);
        extra.CopyTo(points, batch * d);
        var (mean, cov) = Model.Posterior(points, total);
        var l = new double[cov.Length];
        if (double.IsNaN(GpLinalg.CholeskyWithJitter(cov, total, l)))
            throw new InvalidOperationException("the joint posterior covariance is not positive definite even with jitter");
        int s = NumSamples;
        var eps = BaseSamples(total);
        var f = new double[s * total];
        for (int i = 0; i < s; i++)
            for (int a = 0; a < total; a++)
            {
                double v = mean[a];
                for (int b = 0; b <= a; b++) v += l[a * total + b] * eps[i * total + b];
                f[i * total + a] = v;
            }
        if (!withGradient) return Reduce(f, mean, s, batch, total, null, null);

        var fGrad = new double[s * total];
        var meanGrad = new double[total];
        double value = Reduce(f, mean, s, batch, total, fGrad, meanGrad);
        var lGrad = new double[total * total];
        for (int i = 0; i < s; i++)
            for (int a = 0; a < total; a++)
            {
                double g = fGrad[i * total + a];
                if (g == 0) continue;
                meanGrad[a] += g;
                for (int b = 0; b <= a; b++) lGrad[a * total + b] += g * eps[i * total + b];
            }
        var covGrad = CholeskyBackward(l, lGrad, total);
        var xGrad = new double[total * d];
        Model.PosteriorBackward(points, total, meanGrad, covGrad, xGrad);
        for (int i = 0; i < q * d; i++) gradient[i] = xGrad[i];
        return value;
    }

    /// <summary>
    /// Gradient with respect to a symmetric matrix A = L Lᵀ given the gradient with respect to its Cholesky factor L:
    /// P = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹ with Φ taking the lower triangle and halving the diagonal; returns (P + Pᵀ)/2.
    /// </summary>
    internal static double[] CholeskyBackward(double[] l, double[] lGrad, int n)
    {
        var phi = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double v = 0;
                for (int k = i; k < n; k++) v += l[k * n + i] * lGrad[k * n + j];
                phi[i * n + j] = i == j ? 0.5 * v : v;
            }
        // P = L^{-T} phi L^{-1}: solve L^T Y = phi, then P L = Y i.e. L^T P^T = Y^T.
        Tensors.Kernels.DenseLinalg.SolveLowerInPlace(l, n, phi, n, transpose: true);
        var yt = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) yt[j * n + i] = phi[i * n + j];
        Tensors.Kernels.DenseLinalg.SolveLowerInPlace(l, n, yt, n, transpose: true); // yt now holds P^T
        var result = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) result[i * n + j] = 0.5 * (yt[i * n + j] + yt[j * n + i]);
        return result;
    }
}
