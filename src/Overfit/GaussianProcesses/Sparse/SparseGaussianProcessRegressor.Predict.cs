using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

public sealed partial class SparseGaussianProcessRegressor
{
    private InducingPredictor? _predictor;

    private void BuildPredictor(TitsiasBound bound)
    {
        var (lInverse, whitened, meanWeights) = bound.Predictor();
        _predictor = new InducingPredictor(_parts!, _z!, _m, _d, lInverse, whitened, meanWeights, _yMean, _yStd);
    }

    /// <summary>
    /// Posterior mean and standard deviation at the rows of X. With <paramref name="includeNoise"/> (the default) the
    /// variance includes the kernel's white noise level, as the exact regressor's Predict does with the same kernel;
    /// without it, the spread of the latent function alone.
    /// </summary>
    public (double[] Mean, double[] Std) Predict(double[,] x, bool includeNoise = true) =>
        (_predictor ?? throw new InvalidOperationException("call Fit before Predict")).Predict(x, includeNoise);

    /// <summary>Posterior mean and standard deviation at x [m, d], as Float64 tensors [m].</summary>
    /// <exception cref="InvalidOperationException">Fit has not been called.</exception>
    public (Tensor Mean, Tensor Std) Predict(Tensor x, bool includeNoise = true)
    {
        var (m, s) = Predict(GpInput.ToMatrix(x, nameof(x)), includeNoise);
        return (Tensor.FromArray(m), Tensor.FromArray(s));
    }
}
