using System.Numerics.Tensors;

namespace Overfit.LinearModels.Internal;

/// <summary>Explicitly centered copies of X and y (what scikit-learn's _preprocess_data does for dense input).</summary>
internal static class Centering
{
    public static (double[] Xc, double[] Yc, double[] XMean, double YMean) Center(MatrixView x, ReadOnlySpan<double> y, bool center)
    {
        int n = x.Rows, p = x.Cols;
        var span = x.Span;
        var mean = new double[p];
        double yMean = 0;
        if (center)
        {
            for (int i = 0; i < n; i++) TensorPrimitives.Add(span.Slice(i * p, p), mean, mean);
            TensorPrimitives.Multiply(mean, 1.0 / n, mean);
            yMean = TensorPrimitives.Sum(y) / n;
        }
        var xc = center ? CenteredGram.CenteredCopy(span, n, p, mean) : span.ToArray();
        var yc = new double[n];
        TensorPrimitives.Subtract(y, yMean, yc);
        return (xc, yc, mean, yMean);
    }
}
