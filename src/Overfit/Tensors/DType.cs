namespace Overfit.Tensors;

/// <summary>Element type of a <see cref="Tensor"/>, chosen at run time.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float (torch.float32): the default for tensors and NN layers.</summary>
    Float32,
    /// <summary>64-bit IEEE float (torch.float64): used for GP, Bayesian optimization and gradient checks.</summary>
    Float64,
}

/// <summary>Size and name of a <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element: 4 for Float32, 8 for Float64.</summary>
    public static int SizeInBytes(this DType dtype) => dtype == DType.Float32 ? 4 : 8;

    /// <summary>The PyTorch-style name: "float32" or "float64".</summary>
    public static string Name(this DType dtype) => dtype == DType.Float32 ? "float32" : "float64";
}
