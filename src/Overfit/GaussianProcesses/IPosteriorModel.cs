namespace Overfit.GaussianProcesses;

/// <summary>
/// The posterior-model contract of the GP core (implemented by GaussianProcessRegressor and BO's SingleTaskGP); what an acquisition function needs from a surrogate model: the posterior of the latent function (in outcome
/// units) at new points, and gradients with respect to those points. Points are row-major (count × Dimension).
/// </summary>
public interface IPosteriorModel
{
    /// <summary>Number of input dimensions d of a point.</summary>
    int Dimension { get; }

    /// <summary>Marginal posterior mean and variance at m points (one cross-covariance product for all of them).</summary>
    void PosteriorMeanVariance(ReadOnlySpan<double> x, int m, Span<double> mean, Span<double> variance);

    /// <summary>Mean and variance at one point with their gradients with respect to that point.</summary>
    (double Mean, double Variance) PosteriorWithGradient(ReadOnlySpan<double> x, Span<double> meanGradient, Span<double> varianceGradient);

    /// <summary>Joint posterior of q points: mean (q) and covariance (q×q, row-major).</summary>
    (double[] Mean, double[] Covariance) Posterior(ReadOnlySpan<double> x, int q);

    /// <summary>
    /// Backward pass of <see cref="Posterior"/>: given dL/dmean (q) and dL/dcovariance (q×q), adds dL/dx (q×Dimension)
    /// to <paramref name="xGradient"/>.
    /// </summary>
    void PosteriorBackward(ReadOnlySpan<double> x, int q, ReadOnlySpan<double> meanGradient, ReadOnlySpan<double> covarianceGradient, Span<double> xGradient);
}
