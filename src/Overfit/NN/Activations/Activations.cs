using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>max(x, 0), fused forward and backward.</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => NNFunctional.Relu(input);
}

/// <summary>x for x ≥ 0, negativeSlope·x otherwise.</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module
{
    /// <summary>Slope for negative inputs (default 0.01).</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.LeakyRelu(NegativeSlope);

    /// <summary>PyTorch-style description, e.g. "LeakyReLU(0.01)".</summary>
    public override string ToString() => $"LeakyReLU({NegativeSlope})";
}

/// <summary>Elementwise hyperbolic tangent (like torch.nn.Tanh).</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Tanh();
}

/// <summary>Elementwise logistic 1/(1 + e^−x) (like torch.nn.Sigmoid).</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Sigmoid();
}

/// <summary>x·Φ(x) (the exact, erf-based GELU, PyTorch's default).</summary>
public sealed class GELU : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Gelu();
}

/// <summary>x for x &gt; 0, alpha·(eˣ − 1) otherwise.</summary>
public sealed class ELU(double alpha = 1.0) : Module
{
    /// <summary>Scale α of the negative branch (default 1).</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Elu(Alpha);

    /// <summary>PyTorch-style description, e.g. "ELU(1)".</summary>
    public override string ToString() => $"ELU({Alpha})";
}

/// <summary>x·σ(x).</summary>
public sealed class SiLU : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Silu();
}

/// <summary>log(1 + eˣ).</summary>
public sealed class Softplus : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Softplus();
}
