using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// Monte Carlo dropout: predictions with dropout kept active (every other layer in eval mode) averaged
/// over several stochastic passes; the sample variance estimates the model's uncertainty. The passes are
/// drawn by <see cref="McDropoutPredictor"/>, which also gives the paper's predictive variance, RMSE and log-likelihood.
/// </summary>
public static class MonteCarloDropout
{
    /// <summary>Mean and (unbiased) variance over <paramref name="samples"/> passes; the model's modes are restored afterwards.</summary>
    public static (Tensor Mean, Tensor Variance) Predict(Module model, Tensor input, int samples = 50)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), $"samples must be >= 2 to estimate a variance, got {samples}");
        var stacked = new McDropoutPredictor(model, samples).SampleOutputs(input);
        using (Autograd.Autograd.NoGrad()) return (stacked.Mean(0), stacked.Var(0, unbiased: true));
    }
}
