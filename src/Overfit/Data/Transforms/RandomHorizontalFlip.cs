using Overfit.Tensors;

namespace Overfit.Data.Transforms;

/// <summary>Mirrors each sample left-right (along the last dimension) with probability <see cref="P"/>, one draw per sample.</summary>
public sealed class RandomHorizontalFlip : ITransform
{
    private readonly Generator _generator;

    /// <summary>Left-right flips with probability <paramref name="p"/> (like torchvision.transforms.RandomHorizontalFlip).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in [0, 1].</exception>
    public RandomHorizontalFlip(double p = 0.5, ulong seed = 0)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"p must be a probability in [0, 1], got {p}");
        P = p;
        _generator = new Generator(seed);
    }

    /// <summary>Probability of flipping each sample.</summary>
    public double P { get; }

    /// <summary>A copy of a [B, ..., W] batch with each sample flipped with probability P.</summary>
    public Tensor Apply(Tensor batch)
    {
        Tensor result = TransformInput.CopyOf(batch, 2, nameof(RandomHorizontalFlip), "[B, ..., W]");
        int samples = result.Size(0), width = result.Size(-1);
        int perSample = samples == 0 ? 0 : result.Numel / samples;
        for (int b = 0; b < samples; b++)
        {
            if (!(_generator.NextDouble() < P)) continue;
            if (result.DType == DType.Float32) FlipRows(result.Data<float>().AsSpan(b * perSample, perSample), width);
            else FlipRows(result.Data<double>().AsSpan(b * perSample, perSample), width);
        }
        return result;
    }

    private static void FlipRows<T>(Span<T> sample, int width)
    {
        for (int start = 0; start < sample.Length; start += width) sample.Slice(start, width).Reverse();
    }
}
