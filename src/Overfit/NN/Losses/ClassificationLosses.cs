using Overfit.Data;
using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// Cross-entropy on logits [N, C] and class indices (PyTorch's CrossEntropyLoss): optional per-class
/// <see cref="Weight"/> [C], an <see cref="IgnoreIndex"/> whose rows contribute neither loss nor gradient,
/// and label smoothing. The weighted mean divides by the sum of the selected weights.
/// </summary>
public sealed class CrossEntropyLoss(Reduction reduction = Reduction.Mean, double labelSmoothing = 0, Tensor? weight = null, int ignoreIndex = Functional.DefaultIgnoreIndex) : ILoss
{
    /// <summary>How per-sample losses are combined (default Mean).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>Label smoothing ε in [0, 1]: the target mixes one-hot (1 − ε) with uniform ε.</summary>
    public double LabelSmoothing { get; } = labelSmoothing;

    /// <summary>Per-class weights [C], or null for equal weights.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>The target value that marks a row to skip (−100 by default, as in PyTorch).</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <summary>Loss of <paramref name="logits"/> [N, C] against class indices <paramref name="targets"/> (N values).</summary>
    public Tensor Forward(Tensor logits, int[] targets) => Functional.CrossEntropy(logits, targets, Reduction, LabelSmoothing, Weight, IgnoreIndex);

    /// <inheritdoc/>
    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Labels(batch, nameof(CrossEntropyLoss)));
}

/// <summary>
/// Negative log-likelihood of log-probabilities [N, C] (PyTorch's NLLLoss), with per-class <see cref="Weight"/>
/// and <see cref="IgnoreIndex"/> as in <see cref="CrossEntropyLoss"/>.
/// </summary>
public sealed class NLLLoss(Reduction reduction = Reduction.Mean, Tensor? weight = null, int ignoreIndex = Functional.DefaultIgnoreIndex) : ILoss
{
    /// <summary>How per-sample losses are combined (default Mean).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>Per-class weights [C], or null for equal weights.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>The target value that marks a row to skip (−100 by default, as in PyTorch).</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <summary>Loss of <paramref name="logProbs"/> [N, C] against class indices <paramref name="targets"/> (N values).</summary>
    public Tensor Forward(Tensor logProbs, int[] targets) => Functional.NllLoss(logProbs, targets, Reduction, Weight, IgnoreIndex);

    /// <inheritdoc/>
    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Labels(batch, nameof(NLLLoss)));
}

/// <summary>Binary cross-entropy on probabilities (log clamped at −100), with an optional elementwise <see cref="Weight"/>.</summary>
public sealed class BCELoss(Reduction reduction = Reduction.Mean, Tensor? weight = null) : ILoss
{
    /// <summary>How per-element losses are combined (default Mean).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>A weight broadcast to the input and multiplied into each element's loss, or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Loss of probabilities <paramref name="probs"/> in [0, 1] against <paramref name="target"/> of the same shape.</summary>
    public Tensor Forward(Tensor probs, Tensor target) => Functional.BinaryCrossEntropy(probs, target, Reduction, Weight);

    /// <inheritdoc/>
    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Targets(batch, output, nameof(BCELoss)));
}

/// <summary>
/// Binary cross-entropy on logits, numerically stable (PyTorch's BCEWithLogitsLoss), with an elementwise
/// <see cref="Weight"/> and a <see cref="PosWeight"/> for the positive term (one entry per class).
/// </summary>
public sealed class BCEWithLogitsLoss(Reduction reduction = Reduction.Mean, Tensor? weight = null, Tensor? posWeight = null) : ILoss
{
    /// <summary>How per-element losses are combined (default Mean).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>A weight broadcast to the input and multiplied into each element's loss, or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>The weight of positive examples, broadcast along the last dimension (e.g. negatives/positives per class), or null.</summary>
    public Tensor? PosWeight { get; } = posWeight;

    /// <summary>Loss of <paramref name="logits"/> against <paramref name="target"/> in [0, 1] of the same shape.</summary>
    public Tensor Forward(Tensor logits, Tensor target) => Functional.BinaryCrossEntropyWithLogits(logits, target, Reduction, Weight, PosWeight);

    /// <inheritdoc/>
    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Targets(batch, output, nameof(BCEWithLogitsLoss)));
}
