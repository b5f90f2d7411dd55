using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// y = x·Wᵀ + b with W [out, in]. PyTorch's default initialization: weight and bias drawn from
/// U(−1/√in, 1/√in) (kaiming_uniform with a = √5 reduces to exactly this bound).
/// </summary>
public sealed class Linear : Module
{
    /// <summary>A fully connected layer mapping [*, inFeatures] to [*, outFeatures] (like torch.nn.Linear).</summary>
    /// <param name="inFeatures">Input size, &gt; 0.</param>
    /// <param name="outFeatures">Output size, &gt; 0.</param>
    /// <param name="bias">Learn an additive bias (default true).</param>
    /// <param name="generator">Source of the initial weights (null: <see cref="Generator.Default"/>).</param>
    /// <param name="dtype">Dtype of the parameters (default Float32).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null, DType dtype = DType.Float32)
    {
        if (inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), $"inFeatures must be positive, got {inFeatures}");
        if (outFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), $"outFeatures must be positive, got {outFeatures}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var gen = generator ?? Generator.Default;
        double bound = 1 / Math.Sqrt(inFeatures);
        RegisterParameter("weight", Tensor.Uniform([outFeatures, inFeatures], -bound, bound, gen, dtype));
        if (bias) RegisterParameter("bias", Tensor.Uniform([outFeatures], -bound, bound, gen, dtype));
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>Weight W [outFeatures, inFeatures].</summary>
    public Tensor Weight => GetParameter("weight")!;

    /// <summary>Bias b [outFeatures], or null without bias.</summary>
    public Tensor? Bias => GetParameter("bias");

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => NNFunctional.Linear(input, Weight, Bias);

    /// <summary>
    /// ReLU(Forward(input)) as one fused op, for <see cref="Sequential"/>. Stands in for both modules' Forward,
    /// which is exact only while neither has an activity regularizer (the caller checks).
    /// </summary>
    internal Tensor ForwardWithRelu(Tensor input, bool internalOutput = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ClearActivityPenalty();
        return internalOutput ? NNFunctional.LinearReluInternal(input, Weight, Bias) : NNFunctional.LinearRelu(input, Weight, Bias);
    }

    /// <summary>PyTorch-style description, e.g. "Linear(in=784, out=256, bias=True)".</summary>
    public override string ToString() => $"Linear(in={InFeatures}, out={OutFeatures}, bias={Bias is not null})";
}
