using Overfit.Tensors;

namespace Overfit.Data;

/// <summary>
/// One mini-batch: inputs, plus class indices (classification) and/or a target tensor (regression,
/// binary targets). Loaders fill what their dataset has.
/// </summary>
public sealed record Batch(Tensor Inputs, int[]? Labels = null, Tensor? Targets = null)
{
    /// <summary>Number of samples (the first dimension of <see cref="Inputs"/>; 1 for a scalar input).</summary>
    public int Count => Inputs.Rank == 0 ? 1 : Inputs.Size(0);
}
