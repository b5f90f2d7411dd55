using System.Runtime.CompilerServices;
using Overfit.GaussianProcesses;

namespace Overfit.BayesianOptimization;

public sealed partial class SingleTaskGP
{
    /// <summary>Test points (raw units, m×d) in the normalized coordinates of the training inputs.</summary>
[MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double[] NormalizeInputs(ReadOnlySpan<double> x, int m)
    {
        int d = Dimension;
        if (m < 1 || x.Length != (long)m * d) throw new ArgumentException($"expected {m}×{d} = {(long)m * d} coordinates, got {x.Length}", nameof(x));
        var u = new double[m * d];
        for (int i = 0; i < m; i++)
            for (int c = 0; c < d; c++) u[i * d + c] = (x[i * d + c] - _inputLow[c]) / _inputRange[c];
        return u;
    }

    private ExactPosterior Fitted() => _posterior ?? throw new InvalidOperationException("the model has no fitted hyperparameters");

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">An output span is shorter than <paramref name="m"/>, or x does not hold m points.</exception>
    public void PosteriorMeanVariance(ReadOnlySpan<double> x, int m, Span<double> mean, Span<double> variance) =>
        Fitted().PosteriorMeanVariance(NormalizeInputs(x, m), m, mean, variance);

    /// <summary>Predictive mean and standard deviation of the latent function at m points given as an m×d matrix.</summary>
    /// <exception cref="ArgumentException">x does not have <see cref="Dimension"/> columns.</exception>
    public (double[] Mean, double[] StdDev) Predict(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int m = x.GetLength(0);
        if (x.GetLength(1) != Dimension) throw new ArgumentException($"expected {Dimension} columns, got {x.GetLength(1)}", nameof(x));
        var flat = new double[x.Length];
        Buffer.BlockCopy(x, 0, flat, 0, flat.Length * sizeof(double));
        var mean = new double[m]; var variance = new double[m];
        PosteriorMeanVariance(flat, m, mean, variance);
        return (mean, variance.Select(Math.Sqrt).ToArray());
    }

    /// <inheritdoc/>
[MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double Mean, double Variance) PosteriorWithGradient(ReadOnlySpan<double> x, Span<double> meanGradient, Span<double> varianceGradient)
    {
        var result = Fitted().PosteriorWithGradient(NormalizeInputs(x, 1), meanGradient, varianceGradient);
        for (int c = 0; c < Dimension; c++) { meanGradient[c] /= _inputRange[c]; varianceGradient[c] /= _inputRange[c]; }
        return result;
    }

    /// <inheritdoc/>
    public (double[] Mean, double[] Covariance) Posterior(ReadOnlySpan<double> x, int q) => Fitted().Posterior(NormalizeInputs(x, q), q);

    /// <inheritdoc/>
[MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PosteriorBackward(ReadOnlySpan<double> x, int q, ReadOnlySpan<double> meanGradient, ReadOnlySpan<double> covarianceGradient, Span<double> xGradient)
    {
        int d = Dimension;
        var normalizedGradient = new double[q * d];
        Fitted().PosteriorBackward(NormalizeInputs(x, q), q, meanGradient, covarianceGradient, normalizedGradient);
        for (int a = 0; a < q; a++)
            for (int c = 0; c < d; c++) xGradient[a * d + c] += normalizedGradient[a * d + c] / _inputRange[c];
    }
}
