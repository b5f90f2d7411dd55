using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.LinearModels.Internal;

/// <summary>
/// Sufficient statistics of a least-squares problem with the intercept removed by centering:
/// G = Xcᵀ·Xc (p×p), Xcᵀ·yc, ||yc||², and the means. When n ≫ p every regularized solver (Cholesky, conjugate
/// gradients, coordinate descent, the ridge eigen-route) needs only these, so X is read once.
/// </summary>
internal sealed class CenteredGram
{
    public required int Samples { get; init; }
    public required int Features { get; init; }
    public required double[] XMean { get; init; }
    public required double YMean { get; init; }
    public required double[] Gram { get; init; }
    public required double[] Xty { get; init; }
    public required double YNorm2 { get; init; }

    /// <summary>Largest mean²/variance ratio for which X·ᵀX − n·μμᵀ keeps full precision (beyond it, center a copy first).</summary>
    private const double MaxMeanToSpreadRatio = 0.25;

    /// <summary>
    /// Builds the statistics and the Gram product; throws on a non-finite X (y must be finite). Where the shared-panel
    /// product is available, XᵀX, Σx and Xᵀyc all come from ONE packing pass over X, as the Gram matrix of [X | 1 | yc];
    /// otherwise one fused pass over the rows gives the statistics and a second one the product.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // numeric kernel called once per fit: skip tier-0 code
    public static CenteredGram Build(ReadOnlySpan<double> x, int n, int p, ReadOnlySpan<double> y, bool center)
    {
        double yMean = center ? TensorPrimitives.Sum(y) / n : 0;
        var mean = new double[p];
        var xty = new double[p];
        var sumSq = center ? new double[p] : [];
        var gram = GC.AllocateUninitializedArray<double>(p * p);   // every entry is written below (product, then mirror)
        bool haveGram = TryAugmented(x, n, p, y, yMean, gram, mean, sumSq, xty, out double yNorm2);
        if (!haveGram) yNorm2 = RowStatistics.Accumulate(x, n, p, y, yMean, center, mean, sumSq, xty);
        // A NaN or ±∞ anywhere in column j makes Σ x_ij·(y_i − ȳ) NaN or infinite (∞·0 is NaN), so X needs scanning for
        // the position of the bad value only when Xᵀy is not finite (finite y is checked before).
        if (!double.IsFinite(TensorPrimitives.Sum(xty))) DenseInput.CheckFinite(x, p, "x");
        if (center) TensorPrimitives.Multiply(mean, 1.0 / n, mean);
        else Array.Clear(mean);   // the augmented product also gives Σx; without centering the means are zero

        if (center)
        {
            if (!NeedsCenteredCopy(mean, sumSq, n))
            {
                // Σx·yc already equals Σ(x−μ)·yc because Σyc = 0. The lower triangle of XᵀX, centered, then mirrored once.
                if (!haveGram) Gemm.SymmetricRankK(true, p, n, 1.0, x, p, 0.0, gram, p);
                for (int i = 0; i < p; i++)
                    TensorPrimitives.MultiplyAdd(mean.AsSpan(0, i + 1), -n * mean[i], gram.AsSpan(i * p, i + 1), gram.AsSpan(i * p, i + 1));
                MirrorLower(gram, p);
            }
            else
            {
                // A column whose mean dwarfs its spread would lose its digits in XᵀX − n·μμᵀ: center a copy instead (this
                // rare case pays for a second product).
                var xc = CenteredCopy(x, n, p, mean);
                RawGram(xc, n, p, gram);
                Array.Clear(xty);
                for (int i = 0; i < n; i++) TensorPrimitives.MultiplyAdd(xc.AsSpan(i * p, p), y[i] - yMean, xty, xty);
            }
        }
        else if (haveGram) MirrorLower(gram, p);
        else RawGram(x, n, p, gram);
        return new CenteredGram { Samples = n, Features = p, XMean = mean, YMean = yMean, Gram = gram, Xty = xty, YNorm2 = yNorm2 };
    }

    [ThreadStatic] private static double[]? t_augmented;

    /// <summary>
    /// The lower triangle of XᵀX into <paramref name="gram"/> and Σx, Σx² (when centering), Xᵀyc, ||yc||² from the Gram
    /// matrix of [X | 1 | yc], yc = y − ȳ; false when that product is not available on this hardware.
    /// </summary>
    private static bool TryAugmented(ReadOnlySpan<double> x, int n, int p, ReadOnlySpan<double> y, double yMean, Span<double> gram,
        Span<double> sum, Span<double> sumSq, Span<double> xty, out double yNorm2)
    {
        yNorm2 = 0;
        int m = p + 2;
        var yc = new double[n];
        TensorPrimitives.Subtract(y, yMean, yc);
        // Scratch reused by the calling thread: for p in the hundreds it is a large-object allocation per fit otherwise.
        if (t_augmented is null || t_augmented.Length < m * m) t_augmented = GC.AllocateUninitializedArray<double>(m * m);
        var aug = t_augmented;
        if (!Gemm.TryAugmentedGram(x, n, p, p, yc, aug)) return false;
        for (int i = 0; i < p; i++) aug.AsSpan(i * m, i + 1).CopyTo(gram.Slice(i * p, i + 1));
        aug.AsSpan(p * m, p).CopyTo(sum);
        aug.AsSpan((p + 1) * m, p).CopyTo(xty);
        for (int j = 0; j < sumSq.Length; j++) sumSq[j] = aug[j * m + j];
        yNorm2 = aug[(p + 1) * m + p + 1];
        return true;
    }

    /// <summary>True when some column's mean² exceeds <see cref="MaxMeanToSpreadRatio"/> times its variance (from Σx and Σx²).</summary>
    public static bool NeedsCenteredCopy(ReadOnlySpan<double> mean, ReadOnlySpan<double> sumSq, int n)
    {
        for (int j = 0; j < mean.Length; j++)
        {
            double spread = sumSq[j] / n - mean[j] * mean[j];
            if (mean[j] * mean[j] > MaxMeanToSpreadRatio * Math.Max(spread, 0)) return true;
        }
        return false;
    }

    public static double[] CenteredCopy(ReadOnlySpan<double> x, int n, int p, ReadOnlySpan<double> mean)
    {
        var xc = new double[n * p];
        for (int i = 0; i < n; i++) TensorPrimitives.Subtract(x.Slice(i * p, p), mean, xc.AsSpan(i * p, p));
        return xc;
    }

    /// <summary>
    /// Xᵀ·X through the shared symmetric rank-k product: only the lower triangle is multiplied (half the flops of a full
    /// GEMM), then mirrored, so the result is exactly symmetric.
    /// </summary>
    public static void RawGram(ReadOnlySpan<double> x, int n, int p, Span<double> g)
        => Gemm.SymmetricRankK(true, p, n, 1.0, x, p, 0.0, g, p, fillUpper: true);

    /// <summary>Copies the lower triangle onto the upper one.</summary>
    public static void MirrorLower(Span<double> g, int p)
    {
        for (int i = 1; i < p; i++)
            for (int j = 0; j < i; j++) g[j * p + i] = g[i * p + j];
    }

    public static void MirrorUpper(Span<double> g, int p)
    {
        for (int i = 1; i < p; i++)
            for (int j = 0; j < i; j++) g[i * p + j] = g[j * p + i];
    }

    /// <summary>Intercept that goes with centered-data coefficients: ȳ − x̄·w.</summary>
    public double InterceptFor(ReadOnlySpan<double> w) => YMean - TensorPrimitives.Dot(XMean, w);
}
