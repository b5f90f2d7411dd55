namespace Overfit.GaussianProcesses;

/// <summary>
/// The regressor as a posterior model (<see cref="IPosteriorModel"/>), so acquisition functions and the bayes_opt-style
/// loop use it directly: the posterior of the latent function in target units (normalizeY undone), with gradients with
/// respect to the query points from the kernel's input gradients (the core's <see cref="ExactPosterior"/>).
/// </summary>
public sealed partial class GaussianProcessRegressor : IPosteriorModel
{
    int IPosteriorModel.Dimension => Fitted()._d;

    void IPosteriorModel.PosteriorMeanVariance(ReadOnlySpan<double> x, int m, Span<double> mean, Span<double> variance) =>
        PosteriorModel().PosteriorMeanVariance(x, m, mean, variance);

    (double Mean, double Variance) IPosteriorModel.PosteriorWithGradient(ReadOnlySpan<double> x, Span<double> meanGradient, Span<double> varianceGradient) =>
        PosteriorModel().PosteriorWithGradient(x, meanGradient, varianceGradient);

    (double[] Mean, double[] Covariance) IPosteriorModel.Posterior(ReadOnlySpan<double> x, int q) => PosteriorModel().Posterior(x, q);

    void IPosteriorModel.PosteriorBackward(ReadOnlySpan<double> x, int q, ReadOnlySpan<double> meanGradient, ReadOnlySpan<double> covarianceGradient, Span<double> xGradient) =>
        PosteriorModel().PosteriorBackward(x, q, meanGradient, covarianceGradient, xGradient);

    /// <summary>The fitted posterior; the variance is clipped at 0 like scikit-learn's predict.</summary>
    private ExactPosterior PosteriorModel()
    {
        Fitted();
        return new ExactPosterior(FittedKernel!, _xTrain!, _n, _d, _l!, _alpha!, 0, _yMean, _yStd, 0);
    }

    private GaussianProcessRegressor Fitted()
    {
        ThrowIfMultiTarget("the posterior-model interface (one target)");
        return FittedKernel is not null && _alpha is not null && _l is not null
            ? this : throw new InvalidOperationException("call Fit before using the regressor as a posterior model");
    }
}
