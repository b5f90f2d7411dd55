using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>max(x, 0), fused forward and backward.</summary>
public sealed class ReLU : Module
{
    protected override Tensor ForwardCore(Tensor input) => NNFunctional.Relu(input);
}

/// <summary>x for x ≥ 0, negativeSlope·x otherwise.</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module
{
    public double NegativeSlope { get; } = negativeSlope;

    protected override Tensor ForwardCore(Tensor input) => input.LeakyRelu(NegativeSlope);

    public override string ToString() => $"LeakyReLU({NegativeSlope})";
}

public sealed class Tanh : Module
{
    protected override Tensor ForwardCore(Tensor input) => input.Tanh();
}

public sealed class Sigmoid : Module
{
    protected override Tensor ForwardCore(Tensor input) => input.Sigmoid();
}

/// <summary>x·Φ(x) (the exact, erf-based GELU, PyTorch's default).</summary>
public sealed class GELU : Module
{
    protected override Tensor ForwardCore(Tensor input) => input.Gelu();
}

/// <summary>x for x &gt; 0, alpha·(eˣ − 1) otherwise.</summary>
public sealed class ELU(double alpha = 1.0) : Module
{
    public double Alpha { get; } = alpha;

    protected override Tensor ForwardCore(Tensor input) => input.Elu(Alpha);

    public override string ToString() => $"ELU({Alpha})";
}

/// <summary>x·σ(x).</summary>
public sealed class SiLU : Module
{
    protected override Tensor ForwardCore(Tensor input) => input.Silu();
}

/// <summary>log(1 + eˣ).</summary>
public sealed class Softplus : Module
{
    protected override Tensor ForwardCore(Tensor input) => input.Softplus();
}
