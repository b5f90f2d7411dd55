using System.Numerics.Tensors;

namespace Overfit.LinearModels.Internal;

/// <summary>
/// scikit-learn's handling of sample_weight in linear models (_preprocess_data then _rescale_data): center X and y
/// on their weighted means, then multiply row i by √wᵢ. The unweighted solvers then minimize Σ wᵢ·rᵢ², and a row with
/// weight 0 becomes a zero row, which changes nothing — the same fit as dropping it.
/// </summary>
internal static class SampleWeighting
{
    /// <summary>Checks one finite, non-negative weight per sample with a positive sum, naming the argument and the bad value.</summary>
    public static double[] Check(double[] sampleWeight, int samples, string name = "sampleWeight")
    {
        ArgumentNullException.ThrowIfNull(sampleWeight, name);
        if (sampleWeight.Length != samples)
            throw new ArgumentException($"{name} must hold one weight per sample ({samples}), got {sampleWeight.Length}", name);
        double sum = 0;
        for (int i = 0; i < sampleWeight.Length; i++)
        {
            double w = sampleWeight[i];
            if (!(w >= 0) || double.IsPositiveInfinity(w))
                throw new ArgumentOutOfRangeException(name, $"{name} must be finite and non-negative, got {w} at index {i}");
            sum += w;
        }
        if (!(sum > 0)) throw new ArgumentException($"{name} must have a positive sum, got all zeros", name);
        return sampleWeight;
    }

    /// <summary>The weights scaled to sum to the sample count (what scikit-learn's coordinate-descent models do, so α keeps its meaning).</summary>
    public static double[] NormalizedToCount(double[] w)
    {
        var scaled = new double[w.Length];
        TensorPrimitives.Multiply(w, w.Length / TensorPrimitives.Sum(w), scaled);
        return scaled;
    }

    /// <summary>√w·(X − x̄_w) with the weighted column means (no centering, means 0, when <paramref name="center"/> is false).</summary>
    public static (MatrixView X, double[] XMean) RescaleX(MatrixView x, double[] w, bool center)
    {
        int n = x.Rows, p = x.Cols;
        var span = x.Span;
        var xMean = new double[p];
        if (center)
        {
            for (int i = 0; i < n; i++) TensorPrimitives.MultiplyAdd(span.Slice(i * p, p), w[i], xMean, xMean);
            TensorPrimitives.Multiply(xMean, 1 / TensorPrimitives.Sum(w), xMean);
        }
        var xs = new double[n * p];
        for (int i = 0; i < n; i++)
        {
            var row = xs.AsSpan(i * p, p);
            TensorPrimitives.Subtract(span.Slice(i * p, p), xMean, row);
            TensorPrimitives.Multiply(row, Math.Sqrt(w[i]), row);
        }
        return (new MatrixView(xs, 0, n, p), xMean);
    }

    /// <summary>√w·(y − ȳ_w) with the weighted mean ȳ_w (0 when <paramref name="center"/> is false).</summary>
    public static (double[] Y, double YMean) RescaleY(ReadOnlySpan<double> y, double[] w, bool center)
    {
        double yMean = center ? TensorPrimitives.Dot(w, y) / TensorPrimitives.Sum(w) : 0;
        var ys = new double[y.Length];
        for (int i = 0; i < ys.Length; i++) ys[i] = Math.Sqrt(w[i]) * (y[i] - yMean);
        return (ys, yMean);
    }
}
