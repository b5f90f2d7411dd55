namespace Overfit.Tensors;

/// <summary>Element type of a <see cref="Tensor"/>, chosen at run time.</summary>
public enum DType
{
    Float32,
    Float64,
}

public static class DTypeExtensions
{
    public static int SizeInBytes(this DType dtype) => dtype == DType.Float32 ? 4 : 8;

    public static string Name(this DType dtype) => dtype == DType.Float32 ? "float32" : "float64";
}
