namespace Overfit.Tensors;

/// <summary>How a loss combines per-element values (PyTorch's reduction argument).</summary>
public enum Reduction
{
    Mean,
    Sum,
    None,

    /// <summary>Sum divided by the batch size (the first dimension); KLDivLoss only, as in PyTorch.</summary>
    BatchMean,
}
