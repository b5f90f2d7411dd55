using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// Monte Carlo dropout: predictions with dropout kept active (every other layer in eval mode) averaged
/// over several stochastic passes; the sample variance estimates the model's uncertainty.
/// </summary>
public static class MonteCarloDropout
{
    /// <summary>Mean and (unbiased) variance over <paramref name="samples"/> passes; the model's modes are restored afterwards.</summary>
    public static (Tensor Mean, Tensor Variance) Predict(Module model, Tensor input, int samples = 50)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), $"samples must be >= 2 to estimate a variance, got {samples}");
        var modes = model.NamedModules().Select(m => (m.Module, m.Module.Training)).ToList();
        try
        {
            model.Eval();
            foreach (var (m, _) in modes) if (m is Dropout) m.Train();
            using (Autograd.Autograd.NoGrad())
            {
                var outputs = Enumerable.Range(0, samples).Select(_ => model.Forward(input)).ToArray();
                var stacked = Tensor.Stack(outputs, 0);
                return (stacked.Mean(0), stacked.Var(0, unbiased: true));
            }
        }
        finally
        {
            foreach (var (m, training) in modes) m.Train(training);
        }
    }
}
