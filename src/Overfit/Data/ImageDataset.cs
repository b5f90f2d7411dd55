using Overfit.Data.Kernels;
using Overfit.Tensors;

namespace Overfit.Data;

/// <summary>
/// Images kept as bytes (one quarter of the memory of floats) with class labels. A batch converts the
/// chosen images to Float32 [B, C, H, W] scaled to [0, 1] — torchvision's ToTensor, x / 255 — in one
/// vectorized pass into a single new array.
/// </summary>
public sealed class ImageDataset : IBatchDataset
{
    /// <summary>Wraps <paramref name="count"/> images of channels×height×width bytes with their labels (the arrays are kept, not copied).</summary>
    /// <exception cref="ArgumentNullException">pixels, labels or classNames is null.</exception>
    /// <exception cref="ArgumentException">A size is not positive, or an array length does not match count.</exception>
    public ImageDataset(byte[] pixels, int count, int channels, int height, int width, int[] labels,
        IReadOnlyList<string> classNames, int[]? coarseLabels = null, IReadOnlyList<string>? coarseClassNames = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"count must be non-negative and channels, height, width positive; got {count} x {channels} x {height} x {width}", nameof(count));
        long expected = (long)count * channels * height * width;
        if (pixels.LongLength != expected)
            throw new ArgumentException($"pixels must hold {count} x {channels} x {height} x {width} = {expected} bytes, got {pixels.LongLength}", nameof(pixels));
        if (labels.Length != count) throw new ArgumentException($"labels must have {count} entries (one per image), got {labels.Length}", nameof(labels));
        if (coarseLabels is not null && coarseLabels.Length != count)
            throw new ArgumentException($"coarseLabels must have {count} entries (one per image), got {coarseLabels.Length}", nameof(coarseLabels));
        Pixels = pixels;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        Labels = labels;
        ClassNames = classNames;
        CoarseLabels = coarseLabels;
        CoarseClassNames = coarseClassNames;
    }

    /// <summary>All images, sample-major, each C x H x W row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Channels per image (1 for grayscale, 3 for RGB).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Class index of every image.</summary>
    public int[] Labels { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>CIFAR-100 superclass labels (null for other datasets).</summary>
    public int[]? CoarseLabels { get; }

    /// <summary>CIFAR-100 superclass names (null for other datasets).</summary>
    public IReadOnlyList<string>? CoarseClassNames { get; }

    /// <inheritdoc/>
    public int[] SampleShape => [Channels, Height, Width];

    private int ImageSize => Channels * Height * Width;

    /// <inheritdoc/>
    public Batch GetBatch(ReadOnlySpan<int> indices)
    {
        int size = ImageSize;
        // Every element is written below, so the array need not be zeroed first.
        var values = GC.AllocateUninitializedArray<float>(indices.Length * size);
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"image index must be in [0, {Count}), got {index} at position {i}");
            PixelConversion.ToUnitFloats(Pixels.AsSpan(index * size, size), values.AsSpan(i * size, size));
            labels[i] = Labels[index];
        }
        return new Batch(Tensor.Wrap(values, [indices.Length, Channels, Height, Width]), labels);
    }

    /// <summary>All images as one Float32 tensor [N, C, H, W] (or [N, C*H*W] when flattened) in [0, 1].</summary>
    public Tensor ToTensor(bool flatten = false)
    {
        var all = new int[Count];
        for (int i = 0; i < all.Length; i++) all[i] = i;
        Tensor images = GetBatch(all).Inputs;
        return flatten ? images.Reshape([Count, ImageSize]) : images;
    }

    /// <summary>The first <paramref name="count"/> images (a view of the same bytes is not possible, so they are copied).</summary>
    public ImageDataset Take(int count)
    {
        if (count < 0 || count > Count) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be in [0, {Count}], got {count}");
        return new ImageDataset(Pixels.AsSpan(0, count * ImageSize).ToArray(), count, Channels, Height, Width, Labels[..count], ClassNames,
            CoarseLabels?[..count], CoarseClassNames);
    }

    /// <summary>
    /// The images at <paramref name="indices"/>, in that order, copied into a new dataset with the same class names
    /// (PyTorch's <c>torch.utils.data.Subset</c>, materialized: a held-out split of a training set, for instance).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">an index outside [0, <see cref="Count"/>)</exception>
    public ImageDataset Subset(ReadOnlySpan<int> indices)
    {
        int size = ImageSize;
        var pixels = GC.AllocateUninitializedArray<byte>(checked(indices.Length * size));
        var labels = new int[indices.Length];
        var coarse = CoarseLabels is null ? null : new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"image index must be in [0, {Count}), got {index} at position {i}");
            Pixels.AsSpan(index * size, size).CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = Labels[index];
            if (coarse is not null) coarse[i] = CoarseLabels![index];
        }
        return new ImageDataset(pixels, indices.Length, Channels, Height, Width, labels, ClassNames, coarse, CoarseClassNames);
    }
}
