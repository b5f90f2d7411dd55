namespace Overfit.NN;

/// <summary>Marks normalization layers, whose affine parameters conventionally get no weight decay.</summary>
public interface INormalizationLayer
{
}
