using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// Monte Carlo dropout (Gal &amp; Ghahramani 2016): T stochastic forward passes with every <see cref="Dropout"/> layer
/// active and every other layer in eval mode; the passes are samples from the approximate predictive distribution.
/// Regression adds the model precision τ (<see cref="ModelPrecision"/>) to the sample variance; classification averages
/// the softmax probabilities and reports the predictive entropy. The model's modes are restored afterwards.
/// </summary>
public sealed class McDropoutPredictor
{
    /// <summary>Passes are tiled into one batch while the tiled input stays below this many elements (same distribution, fewer calls).</summary>
    private const long MaxTiledElements = 1 << 18;

    /// <summary>Wraps <paramref name="model"/>, whose first input dimension is the batch.</summary>
    /// <param name="model">A network with at least one <see cref="Dropout"/> layer.</param>
    /// <param name="samples">Number of stochastic passes T (default 100), at least 2.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> &lt; 2.</exception>
    /// <exception cref="ArgumentException">The model has no Dropout layer (every pass would be the same).</exception>
    public McDropoutPredictor(Module model, int samples = 100)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), $"samples: expected at least 2 stochastic passes (T) to estimate a variance, got {samples}");
        if (!model.NamedModules().Any(m => m.Module is Dropout { P: > 0 }))
            throw new ArgumentException($"model: expected a network with a Dropout layer of p > 0 for Monte Carlo dropout, got {model}", nameof(model));
        Model = model;
        Samples = samples;
    }

    /// <summary>The wrapped network.</summary>
    public Module Model { get; }

    /// <summary>Number of stochastic passes T.</summary>
    public int Samples { get; }

    /// <summary>
    /// Model precision τ = (1 − p)·l² / (2·N·λ) from the dropout rate p, the prior length-scale l, the number of training
    /// points N and the weight decay λ of the loss mean-squared-error + λ·Σ‖W‖² (Gal &amp; Ghahramani 2016, appendix, with
    /// their keep probability 1 − p).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">p outside [0, 1), l, λ not positive, or N &lt; 1.</exception>
    public static double ModelPrecision(double dropoutRate, double lengthScale, double weightDecay, int trainCount)
    {
        CheckPrior(dropoutRate, lengthScale, trainCount);
        if (!(weightDecay > 0) || !double.IsFinite(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weightDecay: expected a positive number, got {weightDecay}");
        return (1 - dropoutRate) * lengthScale * lengthScale / (2.0 * trainCount * weightDecay);
    }

    /// <summary>The weight decay λ = (1 − p)·l² / (2·N·τ) that gives model precision τ (the inverse of <see cref="ModelPrecision"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">p outside [0, 1), l, τ not positive, or N &lt; 1.</exception>
    public static double WeightDecay(double dropoutRate, double lengthScale, double tau, int trainCount)
    {
        CheckPrior(dropoutRate, lengthScale, trainCount);
        if (!(tau > 0) || !double.IsFinite(tau)) throw new ArgumentOutOfRangeException(nameof(tau), $"tau: expected a positive precision, got {tau}");
        return (1 - dropoutRate) * lengthScale * lengthScale / (2.0 * trainCount * tau);
    }

    /// <summary>The T stochastic outputs stacked: shape [T, N, …] for an input of shape [N, …], the model's dtype, no graph.</summary>
    public Tensor SampleOutputs(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 1 || input.Shape[0] < 1) throw new ArgumentException($"input: expected a batch [N, …] with N >= 1, got shape [{string.Join(", ", input.Shape)}]", nameof(input));
        var modes = Model.NamedModules().Select(m => (m.Module, m.Module.Training)).ToList();
        try
        {
            Model.Eval();
            foreach (var (m, _) in modes) if (m is Dropout) m.Train();
            using (Autograd.Autograd.NoGrad())
            {
                // Each row draws its own dropout masks, so k tiled copies of the input are k independent passes.
                int perChunk = (int)Math.Clamp(MaxTiledElements / Math.Max(1, input.Numel), 1, Samples);
                var chunks = new List<Tensor>();
                for (int done = 0; done < Samples; done += perChunk)
                {
                    int k = Math.Min(perChunk, Samples - done);
                    var tiled = k == 1 ? input : Tensor.Concat(Enumerable.Repeat(input, k).ToArray(), 0);
                    var output = Model.Forward(tiled);
                    var shape = output.Shape;
                    shape[0] /= k;
                    chunks.Add(output.Reshape([k, .. shape]));
                }
                return chunks.Count == 1 ? chunks[0] : Tensor.Concat(chunks.ToArray(), 0);
            }
        }
        finally
        {
            foreach (var (m, training) in modes) m.Train(training);
        }
    }

    /// <summary>
    /// Regression: T passes of a one-output network on <paramref name="input"/> [N, D]; the prediction holds the samples
    /// [T, N], their mean and the predictive variance (sample variance + 1/τ).
    /// </summary>
    /// <param name="input">Inputs, shape [N, D].</param>
    /// <param name="tau">Model precision τ in the output's units (see <see cref="ModelPrecision"/>).</param>
    /// <exception cref="ArgumentException">The network has more than one output per row.</exception>
    public McRegressionPrediction PredictRegression(Tensor input, double tau)
    {
        var samples = SampleOutputs(input);
        int t = samples.Shape[0], n = samples.Shape[1];
        if (samples.Numel != (long)t * n)
            throw new ArgumentException($"input: expected a network with one output per row for regression, got outputs of shape [{string.Join(", ", samples.Shape[1..])}]", nameof(input));
        var flat = samples.ToDoubleArray();
        var matrix = new double[t, n];
        Buffer.BlockCopy(flat, 0, matrix, 0, flat.Length * sizeof(double));
        return new McRegressionPrediction(matrix, tau);
    }

    /// <summary>
    /// Classification: T passes of a network returning logits [N, C]; the mean of the T softmax probabilities, its
    /// entropy (the predictive entropy, nats) and the mutual information between prediction and weights.
    /// </summary>
    /// <param name="input">Inputs, shape [N, …].</param>
    public McClassificationPrediction PredictClassification(Tensor input)
    {
        var samples = SampleOutputs(input);
        if (samples.Rank != 3) throw new ArgumentException($"input: expected a network returning logits [N, C], got outputs of shape [{string.Join(", ", samples.Shape[1..])}]", nameof(input));
        int t = samples.Shape[0], n = samples.Shape[1], c = samples.Shape[2];
        var probabilities = samples.To(DType.Float64).Softmax(2).ToDoubleArray();
        var mean = new double[n, c];
        var expectedEntropy = new double[n];
        for (int s = 0; s < t; s++)
            for (int i = 0; i < n; i++)
            {
                long row = ((long)s * n + i) * c;
                for (int j = 0; j < c; j++)
                {
                    double p = probabilities[row + j];
                    mean[i, j] += p / t;
                    if (p > 0) expectedEntropy[i] -= p * Math.Log(p) / t;
                }
            }
        return new McClassificationPrediction(mean, expectedEntropy, t);
    }

    private static void CheckPrior(double dropoutRate, double lengthScale, int trainCount)
    {
        if (!(dropoutRate >= 0 && dropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(dropoutRate), $"dropoutRate: expected a probability in [0, 1), got {dropoutRate}");
        if (!(lengthScale > 0) || !double.IsFinite(lengthScale)) throw new ArgumentOutOfRangeException(nameof(lengthScale), $"lengthScale: expected a positive number, got {lengthScale}");
        if (trainCount < 1) throw new ArgumentOutOfRangeException(nameof(trainCount), $"trainCount: expected at least 1 training point, got {trainCount}");
    }
}
