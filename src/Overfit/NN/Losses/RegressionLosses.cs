using Overfit.Data;
using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>Mean squared error.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : ILoss
{
    /// <summary>How per-element losses are combined (default Mean).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>(input − target)² reduced (like torch.nn.MSELoss); shapes must match.</summary>
    public Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);

    /// <inheritdoc/>
    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Targets(batch, output, nameof(MSELoss)));
}

/// <summary>Huber loss: quadratic within <see cref="Delta"/> of the target, linear beyond (PyTorch's HuberLoss).</summary>
public sealed class HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : ILoss
{
    /// <summary>How per-element losses are combined (default Mean).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Delta { get; } = delta;

    /// <summary>Huber loss of <paramref name="input"/> against <paramref name="target"/> of the same shape.</summary>
    public Tensor Forward(Tensor input, Tensor target) => Functional.HuberLoss(input, target, Reduction, Delta);

    /// <inheritdoc/>
    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Targets(batch, output, nameof(HuberLoss)));
}

/// <summary>Smooth L1 loss: Huber loss with δ = <see cref="Beta"/> divided by β; β = 0 is the L1 loss (PyTorch's SmoothL1Loss).</summary>
public sealed class SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : ILoss
{
    /// <summary>How per-element losses are combined (default Mean).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Beta { get; } = beta;

    /// <summary>Smooth L1 loss of <paramref name="input"/> against <paramref name="target"/> of the same shape.</summary>
    public Tensor Forward(Tensor input, Tensor target) => Functional.SmoothL1Loss(input, target, Reduction, Beta);

    /// <inheritdoc/>
    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Targets(batch, output, nameof(SmoothL1Loss)));
}

/// <summary>
/// Kullback–Leibler divergence of a target distribution from log-probabilities (PyTorch's KLDivLoss); use
/// <see cref="Reduction.BatchMean"/> for the mathematical KL divergence per sample.
/// </summary>
public sealed class KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : ILoss
{
    /// <summary>How per-element losses are combined (default Mean; use BatchMean for true KL).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>Whether the target is given as log-probabilities.</summary>
    public bool LogTarget { get; } = logTarget;

    /// <summary>KL divergence with <paramref name="input"/> as log-probabilities and <paramref name="target"/> as (log-)probabilities.</summary>
    public Tensor Forward(Tensor input, Tensor target) => Functional.KLDivLoss(input, target, Reduction, LogTarget);

    /// <inheritdoc/>
    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Targets(batch, output, nameof(KLDivLoss)));
}
