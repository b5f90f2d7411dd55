using System.Numerics;
using System.Numerics.Tensors;
using Tensor = Overfit.Tensors.Tensor;
using DType = Overfit.Tensors.DType;

namespace Overfit.Data.Transforms;

/// <summary>
/// Per-channel (x - mean[c]) / std[c] over a [B, C, ...] batch (torchvision's Normalize); one value for
/// mean and std applies to every channel. The chapter uses mean 0.5 and std 0.5, mapping [0, 1] to [-1, 1].
/// </summary>
public sealed class Normalize : ITransform
{
    /// <summary>Per-channel normalization (like torchvision.transforms.Normalize).</summary>
    /// <param name="mean">One mean per channel, or one for all.</param>
    /// <param name="std">One positive, finite std per channel, as many as mean.</param>
    /// <exception cref="ArgumentException">mean is empty or std has a different length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A std is not positive and finite.</exception>
    public Normalize(double[] mean, double[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0) throw new ArgumentException("mean must have one value per channel (or one for all), got none", nameof(mean));
        if (std.Length != mean.Length) throw new ArgumentException($"std must have as many values as mean ({mean.Length}), got {std.Length}", nameof(std));
        for (int c = 0; c < std.Length; c++)
            if (!(std[c] > 0) || double.IsInfinity(std[c])) throw new ArgumentOutOfRangeException(nameof(std), $"std must be positive and finite for every channel, got {std[c]} for channel {c}");
        Mean = (double[])mean.Clone();
        Std = (double[])std.Clone();
    }

    /// <summary>The same mean and std for every channel.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is not positive and finite.</exception>
    public Normalize(double mean, double std) : this([mean], [std]) { }

    /// <summary>Channel means.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Channel standard deviations.</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>(x − mean[c]) / std[c] on a [B, C, ...] batch, in the batch's dtype.</summary>
    /// <exception cref="ArgumentException">The batch has fewer than 2 dims or a channel count that does not match.</exception>
    public Tensor Apply(Tensor batch)
    {
        Tensor result = TransformInput.CopyOf(batch, 2, nameof(Normalize), "[B, C, ...]");
        int channels = result.Size(1);
        if (Mean.Count != 1 && Mean.Count != channels)
            throw new ArgumentException($"Normalize has {Mean.Count} channel values but the batch has {channels} channels (dimension 1 of shape [{string.Join(", ", result.Shape)}])", nameof(batch));
        if (result.DType == DType.Float32) Run<float>(result.Data<float>(), result.Size(0), channels);
        else Run<double>(result.Data<double>(), result.Size(0), channels);
        return result;
    }

    private void Run<T>(T[] data, int batch, int channels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = batch * channels == 0 ? 0 : data.Length / (batch * channels);
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                int k = Mean.Count == 1 ? 0 : c;
                // Subtract then divide, each rounded in the tensor's own precision, as torchvision does (sub_(mean).div_(std)).
                T mean = T.CreateChecked(Mean[k]), std = T.CreateChecked(Std[k]);
                Span<T> values = data.AsSpan((b * channels + c) * plane, plane);
                TensorPrimitives.Subtract(values, mean, values);
                TensorPrimitives.Divide(values, std, values);
            }
        }
    }
}

/// <summary>Divides by <see cref="MaxValue"/> (255 by default): raw pixel values to [0, 1], as torchvision's ToTensor does.</summary>
public sealed class ScaleToUnitRange : ITransform
{
    /// <summary>Divides every value by <paramref name="maxValue"/> (default 255).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxValue"/> is not positive and finite.</exception>
    public ScaleToUnitRange(double maxValue = 255)
    {
        if (!(maxValue > 0) || double.IsInfinity(maxValue)) throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, $"maxValue must be positive and finite, got {maxValue}");
        MaxValue = maxValue;
    }

    /// <summary>The divisor.</summary>
    public double MaxValue { get; }

    /// <summary>x / MaxValue, in the batch's dtype.</summary>
    public Tensor Apply(Tensor batch)
    {
        Tensor result = TransformInput.CopyOf(batch, 1, nameof(ScaleToUnitRange), "any shape");
        if (result.DType == DType.Float32) TensorPrimitives.Divide(result.Data<float>(), (float)MaxValue, result.Data<float>());
        else TensorPrimitives.Divide(result.Data<double>(), MaxValue, result.Data<double>());
        return result;
    }
}
