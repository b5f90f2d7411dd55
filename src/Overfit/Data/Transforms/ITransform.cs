using Overfit.Tensors;

namespace Overfit.Data.Transforms;

/// <summary>
/// A transform of a whole batch of inputs ([B, C, H, W] images, or any [B, C, ...] tensor). Transforms
/// return a new tensor and leave their input unchanged; random ones draw from their own seeded
/// <see cref="Generator"/>, one draw per sample, so the same seed gives the same augmentation.
/// </summary>
public interface ITransform
{
    Tensor Apply(Tensor batch);
}

/// <summary>Applies transforms one after another (torchvision's Compose).</summary>
public sealed class Compose : ITransform
{
    public Compose(params ITransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (int i = 0; i < transforms.Length; i++)
            if (transforms[i] is null) throw new ArgumentNullException(nameof(transforms), $"transforms[{i}] is null; expected a transform");
        Transforms = transforms;
    }

    public IReadOnlyList<ITransform> Transforms { get; }

    public Tensor Apply(Tensor batch)
    {
        foreach (var t in Transforms) batch = t.Apply(batch);
        return batch;
    }
}
