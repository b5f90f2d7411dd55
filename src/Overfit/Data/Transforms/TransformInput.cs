using Overfit.Tensors;

namespace Overfit.Data.Transforms;

/// <summary>Shared checks and the copy every transform starts from.</summary>
internal static class TransformInput
{
    /// <summary>A contiguous copy of <paramref name="batch"/> detached from any graph, validated to have at least <paramref name="minRank"/> dimensions.</summary>
    public static Tensor CopyOf(Tensor batch, int minRank, string transform, string layout)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Rank < minRank)
            throw new ArgumentException($"{transform} expects a batch of rank {minRank} or more ({layout}), got shape [{string.Join(", ", batch.Shape)}]", nameof(batch));
        return batch.Detach().Clone();
    }
}
