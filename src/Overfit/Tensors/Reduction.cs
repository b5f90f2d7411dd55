namespace Overfit.Tensors;

/// <summary>How a loss combines per-element values (PyTorch's reduction argument).</summary>
public enum Reduction
{
    Mean,
    Sum,
    None,
}
