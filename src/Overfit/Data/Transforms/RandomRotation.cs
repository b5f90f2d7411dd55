using System.Numerics;
using Overfit.Tensors;

namespace Overfit.Data.Transforms;

/// <summary>
/// Rotates each image of a [B, C, H, W] (or [B, H, W]) batch by its own angle drawn uniformly from
/// [-degrees, degrees], counter-clockwise for positive angles as torchvision does, about the image
/// centre ((W-1)/2, (H-1)/2), with bilinear sampling; points that fall outside the source image read
/// <see cref="Fill"/>, so corners blend into it exactly like grid sampling with zero padding.
/// </summary>
public sealed class RandomRotation : ITransform
{
    private readonly Generator _generator;

    /// <summary>Rotations by angles uniform in [−degrees, degrees] (like torchvision.transforms.RandomRotation(degrees)).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degrees"/> is negative or infinite.</exception>
    public RandomRotation(double degrees, ulong seed = 0, double fill = 0)
        : this(-NonNegative(degrees), degrees, seed, fill)
    {
    }

    private static double NonNegative(double degrees) => degrees >= 0 ? degrees
        : throw new ArgumentOutOfRangeException(nameof(degrees), degrees, $"degrees must be non-negative, got {degrees}");

    /// <summary>Rotations by angles uniform in [minDegrees, maxDegrees] (torchvision's degrees=(min, max)).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not finite or min &gt; max.</exception>
    public RandomRotation(double minDegrees, double maxDegrees, ulong seed, double fill = 0)
    {
        if (!(minDegrees <= maxDegrees) || double.IsInfinity(minDegrees) || double.IsInfinity(maxDegrees))
            throw new ArgumentOutOfRangeException(nameof(maxDegrees), $"the angle range must be finite with min <= max, got [{minDegrees}, {maxDegrees}]");
        MinDegrees = minDegrees;
        MaxDegrees = maxDegrees;
        Fill = fill;
        _generator = new Generator(seed);
    }

    /// <summary>Smallest angle, in degrees.</summary>
    public double MinDegrees { get; }

    /// <summary>Largest angle, in degrees.</summary>
    public double MaxDegrees { get; }

    /// <summary>Value read outside the source image.</summary>
    public double Fill { get; }

    /// <summary>A rotated copy of a [B, C, H, W] or [B, H, W] batch, one angle per image.</summary>
    /// <exception cref="ArgumentException">The batch is not 3-D or 4-D.</exception>
    public Tensor Apply(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Rank is not (3 or 4))
            throw new ArgumentException($"RandomRotation expects images [B, C, H, W] or [B, H, W], got shape [{string.Join(", ", batch.Shape)}]", nameof(batch));
        Tensor source = batch.Detach().Contiguous();
        int samples = source.Size(0), height = source.Size(-2), width = source.Size(-1);
        int channels = source.Rank == 4 ? source.Size(1) : 1;
        var result = Tensor.Empty(source.Shape, source.DType);
        for (int b = 0; b < samples; b++)
        {
            double angle = MinDegrees + (MaxDegrees - MinDegrees) * _generator.NextDouble();
            int offset = b * channels * height * width;
            if (source.DType == DType.Float32)
                Rotate(source.Data<float>().AsSpan(source.Offset + offset, channels * height * width), result.Data<float>().AsSpan(offset), channels, height, width, angle, (float)Fill);
            else
                Rotate(source.Data<double>().AsSpan(source.Offset + offset, channels * height * width), result.Data<double>().AsSpan(offset), channels, height, width, angle, Fill);
        }
        return result;
    }

    /// <summary>Rotates one C x H x W image by <paramref name="degrees"/> counter-clockwise (bilinear, out-of-image reads = fill).</summary>
    public static void Rotate<T>(ReadOnlySpan<T> source, Span<T> target, int channels, int height, int width, double degrees, T fill)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double radians = degrees * Math.PI / 180.0;
        double cos = Math.Cos(radians), sin = Math.Sin(radians);
        double cx = (width - 1) * 0.5, cy = (height - 1) * 0.5;
        int plane = height * width;
        for (int y = 0; y < height; y++)
        {
            double dy = y - cy;
            for (int x = 0; x < width; x++)
            {
                double dx = x - cx;
                // Inverse map: the output pixel shows the source point rotated back by the angle (y grows downwards).
                double sx = cx + cos * dx - sin * dy;
                double sy = cy + sin * dx + cos * dy;
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double fx = sx - x0, fy = sy - y0;
                // Bilinear weights of the four neighbours, shared by every channel.
                T w00 = T.CreateTruncating((1 - fx) * (1 - fy)), w01 = T.CreateTruncating(fx * (1 - fy));
                T w10 = T.CreateTruncating((1 - fx) * fy), w11 = T.CreateTruncating(fx * fy);
                int at = y * width + x;
                if ((uint)x0 < (uint)(width - 1) && (uint)y0 < (uint)(height - 1))
                {
                    int top = y0 * width + x0;
                    for (int c = 0; c < channels; c++)
                    {
                        ReadOnlySpan<T> image = source.Slice(c * plane, plane);
                        target[c * plane + at] = w00 * image[top] + w01 * image[top + 1] + w10 * image[top + width] + w11 * image[top + width + 1];
                    }
                }
                else
                {
                    for (int c = 0; c < channels; c++)
                    {
                        ReadOnlySpan<T> image = source.Slice(c * plane, plane);
                        target[c * plane + at] = w00 * Read(image, x0, y0, width, height, fill) + w01 * Read(image, x0 + 1, y0, width, height, fill)
                            + w10 * Read(image, x0, y0 + 1, width, height, fill) + w11 * Read(image, x0 + 1, y0 + 1, width, height, fill);
                    }
                }
            }
        }
    }

    private static T Read<T>(ReadOnlySpan<T> image, int x, int y, int width, int height, T fill)
        => (uint)x < (uint)width && (uint)y < (uint)height ? image[y * width + x] : fill;
}
