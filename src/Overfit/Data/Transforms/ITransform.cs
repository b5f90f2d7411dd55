using Overfit.Tensors;

namespace Overfit.Data.Transforms;

/// <summary>
/// A transform of a whole batch of inputs ([B, C, H, W] images, or any [B, C, ...] tensor). Transforms
/// return a new tensor and leave their input unchanged; random ones draw from their own seeded
/// <see cref="Generator"/>, one draw per sample, so the same seed gives the same augmentation.
/// </summary>
public interface ITransform
{
    /// <summary>The transformed batch, as a new tensor; <paramref name="batch"/> is left unchanged.</summary>
    Tensor Apply(Tensor batch);
}

/// <summary>Applies transforms one after another (torchvision's Compose).</summary>
public sealed class Compose : ITransform
{
    /// <summary>Chains <paramref name="transforms"/> in order (like torchvision.transforms.Compose).</summary>
    /// <exception cref="ArgumentNullException">The array or one of its entries is null.</exception>
    public Compose(params ITransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (int i = 0; i < transforms.Length; i++)
            if (transforms[i] is null) throw new ArgumentNullException(nameof(transforms), $"transforms[{i}] is null; expected a transform");
        Transforms = transforms;
    }

    /// <summary>The transforms, in order.</summary>
    public IReadOnlyList<ITransform> Transforms { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor batch)
    {
        foreach (var t in Transforms) batch = t.Apply(batch);
        return batch;
    }
}
