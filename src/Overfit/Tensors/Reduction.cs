namespace Overfit.Tensors;

/// <summary>How a loss combines per-element values (PyTorch's reduction argument).</summary>
public enum Reduction
{
    /// <summary>Average over all elements (the default in PyTorch losses).</summary>
    Mean,
    /// <summary>Sum over all elements.</summary>
    Sum,
    /// <summary>No reduction: one loss per element, in the input's shape.</summary>
    None,

    /// <summary>Sum divided by the batch size (the first dimension); KLDivLoss only, as in PyTorch.</summary>
    BatchMean,
}
