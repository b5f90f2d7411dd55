using Overfit.Data;
using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>A training criterion: the loss of a model's output on a batch.</summary>
public interface ILoss
{
    Tensor Compute(Tensor output, Batch batch);
}

/// <summary>Cross-entropy on logits [N, C] and class indices, with optional label smoothing.</summary>
public sealed class CrossEntropyLoss(Reduction reduction = Reduction.Mean, double labelSmoothing = 0) : ILoss
{
    public Reduction Reduction { get; } = reduction;

    public double LabelSmoothing { get; } = labelSmoothing;

    public Tensor Forward(Tensor logits, int[] targets) => Functional.CrossEntropy(logits, targets, Reduction, LabelSmoothing);

    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Labels(batch, nameof(CrossEntropyLoss)));
}

/// <summary>Negative log-likelihood of log-probabilities [N, C].</summary>
public sealed class NLLLoss(Reduction reduction = Reduction.Mean) : ILoss
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor logProbs, int[] targets) => Functional.NllLoss(logProbs, targets, Reduction);

    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Labels(batch, nameof(NLLLoss)));
}

/// <summary>Mean squared error.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : ILoss
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);

    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Targets(batch, output, nameof(MSELoss)));
}

/// <summary>Binary cross-entropy on probabilities (log clamped at −100).</summary>
public sealed class BCELoss(Reduction reduction = Reduction.Mean) : ILoss
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor probs, Tensor target) => NNFunctional.BinaryCrossEntropy(probs, target, Reduction);

    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Targets(batch, output, nameof(BCELoss)));
}

/// <summary>Binary cross-entropy on logits, numerically stable.</summary>
public sealed class BCEWithLogitsLoss(Reduction reduction = Reduction.Mean) : ILoss
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor logits, Tensor target) => Functional.BinaryCrossEntropyWithLogits(logits, target, Reduction);

    public Tensor Compute(Tensor output, Batch batch) => Forward(output, LossTargets.Targets(batch, output, nameof(BCEWithLogitsLoss)));
}

internal static class LossTargets
{
    public static int[] Labels(Batch batch, string loss)
        => batch.Labels ?? throw new ArgumentException($"{loss} needs class labels but the batch has none (Labels is null)", nameof(batch));

    /// <summary>The batch's targets, or its labels as 0/1 values, shaped like the output ([N] targets fit an [N, 1] output).</summary>
    public static Tensor Targets(Batch batch, Tensor output, string loss)
    {
        Tensor t;
        if (batch.Targets is not null) t = batch.Targets;
        else if (batch.Labels is not null) t = Tensor.FromArray(batch.Labels.Select(l => (double)l).ToArray(), [batch.Labels.Length]).To(output.DType);
        else throw new ArgumentException($"{loss} needs targets but the batch has neither Targets nor Labels", nameof(batch));
        if (t.DType != output.DType) t = t.To(output.DType);
        if (t.Numel == output.Numel && !ShapeUtil.SameShape(t.ShapeSpan, output.ShapeSpan)) t = t.Reshape(output.Shape);
        return t;
    }
}
