using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// The chapter's SimpleNetwork: flatten; for each hidden size a Linear followed by the activation
/// (none at all with <c>noActivation</c>); a final Linear to <c>numLabels</c>.
/// State-dict keys: "layers.0.weight", "layers.0.bias", ... as the chapter's PyTorch model.
/// </summary>
public sealed class SimpleNetwork : Module, IHasConfiguration
{
    private readonly Flatten _flatten;
    private readonly Sequential _layers;

    /// <summary>Builds the network; weights are drawn from <paramref name="generator"/> as PyTorch's Linear does.</summary>
    /// <param name="activation">Activation module placed after every hidden Linear (shared instance).</param>
    /// <param name="inputSize">Features per sample after flattening (default 784 = 28×28).</param>
    /// <param name="numLabels">Number of output logits (default 10).</param>
    /// <param name="hidden">Hidden sizes (default [256, 192, 128, 64]).</param>
    /// <param name="noActivation">Leave out the activations (a deep linear model).</param>
    /// <param name="generator">Source of the initial weights (null: <see cref="Generator.Default"/>).</param>
    /// <param name="dtype">Dtype of the parameters (default Float32).</param>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public SimpleNetwork(Module activation, int inputSize = 784, int numLabels = 10, int[]? hidden = null, bool noActivation = false,
        Generator? generator = null, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"inputSize must be positive, got {inputSize}");
        if (numLabels <= 0) throw new ArgumentOutOfRangeException(nameof(numLabels), $"numLabels must be positive, got {numLabels}");
        Hidden = hidden is null ? [256, 192, 128, 64] : (int[])hidden.Clone();
        foreach (var h in Hidden)
            if (h <= 0) throw new ArgumentOutOfRangeException(nameof(hidden), $"hidden sizes must be positive, got [{string.Join(", ", Hidden)}]");
        InputSize = inputSize;
        NumLabels = numLabels;
        NoActivation = noActivation;
        ActivationName = activation.GetType().Name;
        var gen = generator ?? Generator.Default;
        _flatten = RegisterModule("flatten", new Flatten());
        _layers = new Sequential();
        int prev = inputSize;
        foreach (var h in Hidden)
        {
            _layers.Append(new Linear(prev, h, generator: gen, dtype: dtype));
            if (!noActivation) _layers.Append(activation);
            prev = h;
        }
        _layers.Append(new Linear(prev, numLabels, generator: gen, dtype: dtype));
        RegisterModule("layers", _layers);
    }

    /// <summary>Features per sample after flattening.</summary>
    public int InputSize { get; }

    /// <summary>Number of output logits.</summary>
    public int NumLabels { get; }

    /// <summary>Hidden layer sizes.</summary>
    public int[] Hidden { get; }

    /// <summary>True when the hidden layers have no activation.</summary>
    public bool NoActivation { get; }

    /// <summary>Type name of the activation module, e.g. "ReLU".</summary>
    public string ActivationName { get; }

    /// <summary>The configuration as text pairs (stored in checkpoint metadata).</summary>
    public IReadOnlyDictionary<string, string> Configuration() => new Dictionary<string, string>
    {
        ["model"] = nameof(SimpleNetwork),
        ["activation"] = ActivationName,
        ["input_size"] = InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["num_labels"] = NumLabels.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["hidden"] = string.Join(",", Hidden),
        ["no_activation"] = NoActivation ? "true" : "false",
    };

    /// <summary>Flattens [N, ...] input and returns logits [N, NumLabels].</summary>
    protected override Tensor ForwardCore(Tensor input) => _layers.Forward(_flatten.Forward(input));
}

/// <summary>
/// The chapter's dropout experiment: 30-128-256-128-1 with ReLU and a sigmoid output, with or
/// without Dropout(0.5) after each hidden layer.
/// </summary>
public static class DropoutExperimentModels
{
    /// <summary>Builds the model: inputSize-128-256-128-1 with ReLU, optional Dropout(<paramref name="dropout"/>) after each hidden layer, and a sigmoid output.</summary>
    public static Sequential Create(bool withDropout, int inputSize = 30, double dropout = 0.5, Generator? generator = null, DType dtype = DType.Float32)
    {
        var gen = generator ?? Generator.Default;
        var model = new Sequential();
        int prev = inputSize;
        foreach (var h in new[] { 128, 256, 128 })
        {
            model.Append(new Linear(prev, h, generator: gen, dtype: dtype)).Append(new ReLU());
            if (withDropout) model.Append(new Dropout(dropout, gen));
            prev = h;
        }
        return model.Append(new Linear(prev, 1, generator: gen, dtype: dtype)).Append(new Sigmoid());
    }
}
