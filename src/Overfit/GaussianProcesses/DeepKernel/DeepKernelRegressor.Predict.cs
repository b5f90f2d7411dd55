using System.Globalization;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

public sealed partial class DeepKernelRegressor
{
    private static readonly string[] TrainingBuffers = ["train_inputs", "train_targets", "target_mean", "target_std"];

    /// <summary>
    /// Posterior mean and standard deviation at the rows of <paramref name="x"/> (n×p) in target units: of the latent
    /// function by default (scikit-learn's predict(return_std=True)), of a new observation with
    /// <paramref name="observationNoise"/> (GPyTorch's likelihood(model(x)); what held-out coverage and NLPD need).
    /// </summary>
    /// <exception cref="ArgumentException">x empty, not finite, or with another number of columns than the training inputs.</exception>
    /// <exception cref="InvalidOperationException">Before <see cref="Fit"/> or <see cref="Load(string)"/>.</exception>
    public (double[] Mean, double[] Std) Predict(double[,] x, bool observationNoise = false)
    {
        var (gp, z) = FeaturesFor(x);
        var (mean, std) = gp.Predict(z);
        var (yMean, yStd) = TargetScale();
        double extra = observationNoise ? Noise : 0;
        for (int i = 0; i < mean.Length; i++)
        {
            mean[i] = mean[i] * yStd + yMean;
            std[i] = Math.Sqrt(std[i] * std[i] + extra) * yStd;
        }
        return (mean, std);
    }

    /// <summary>Posterior mean (n) and covariance (n×n) at the rows of <paramref name="x"/> in target units; the noise variance joins the diagonal with <paramref name="observationNoise"/>.</summary>
    /// <exception cref="ArgumentException">x empty, not finite, or with another number of columns than the training inputs.</exception>
    /// <exception cref="InvalidOperationException">Before <see cref="Fit"/> or <see cref="Load(string)"/>.</exception>
    public (double[] Mean, double[,] Covariance) PredictCovariance(double[,] x, bool observationNoise = false)
    {
        var (gp, z) = FeaturesFor(x);
        var (mean, cov) = gp.PredictCovariance(z);
        var (yMean, yStd) = TargetScale();
        for (int i = 0; i < mean.Length; i++)
        {
            mean[i] = mean[i] * yStd + yMean;
            if (observationNoise) cov[i, i] += Noise;
        }
        double s2 = yStd * yStd;
        for (int i = 0; i < mean.Length; i++)
            for (int j = 0; j < mean.Length; j++) cov[i, j] *= s2;
        return (mean, cov);
    }

    private (GaussianProcessRegressor Gp, double[,] Features) FeaturesFor(double[,] x)
    {
        var gp = Posterior();
        var (_, _, p) = GpInput.Matrix(x, nameof(x));
        int expected = TrainInputs().Size(1);
        if (p != expected)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"x must have {expected} columns like the training inputs, got {p}"), nameof(x));
        return (gp, Kernel.Features(x));
    }

    /// <summary>Writes the state dict (network, θ, noise, feature range, training data) to a safetensors file, atomically.</summary>
    /// <exception cref="InvalidOperationException">Before <see cref="Fit"/>.</exception>
    public void Save(string path)
    {
        if (!IsFitted) throw new InvalidOperationException("call Fit before Save: an unfitted model has no training data to save");
        Checkpoint.Save(this, path, new Dictionary<string, string> { ["model"] = nameof(DeepKernelRegressor) });
    }

    /// <summary>Loads a file written by <see cref="Save"/> into this model (same network architecture and base kernel) and makes it ready to predict.</summary>
    /// <exception cref="ArgumentException">A key is missing or unexpected, or a shape differs (named in the message).</exception>
    public DeepKernelRegressor Load(string path) => Load(Checkpoint.Read(path).Tensors);

    /// <summary>Loads a state dict (from <see cref="Module.StateDict"/> of a fitted model) and makes the model ready to predict.</summary>
    /// <exception cref="ArgumentException">A key is missing or unexpected, or a shape differs (named in the message).</exception>
    public DeepKernelRegressor Load(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var name in TrainingBuffers)
        {
            if (!state.TryGetValue(name, out var value))
                throw new ArgumentException($"state dict is missing '{name}': it was not written by a fitted {nameof(DeepKernelRegressor)}", nameof(state));
            RegisterBuffer(name, Tensor.Zeros(value.Shape, DType.Float64));
        }
        LoadStateDict(state);
        Kernel.SyncBaseKernel();
        var (mean, std) = TargetScale();
        var y = GetBuffer("train_targets")!.Contiguous().ToDoubleArray();
        for (int i = 0; i < y.Length; i++) y[i] = (y[i] - mean) / std;
        _yStandardized = y;
        Eval();
        BuildPosterior();
        return this;
    }
}
