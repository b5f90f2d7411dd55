using Overfit.Data;
using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>A training criterion: the loss of a model's output on a batch.</summary>
public interface ILoss
{
    /// <summary>The loss of <paramref name="output"/> against the batch's labels or targets.</summary>
    /// <exception cref="ArgumentException">The batch lacks what the loss needs (labels or targets).</exception>
    Tensor Compute(Tensor output, Batch batch);
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
