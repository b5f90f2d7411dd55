using System.Numerics.Tensors;

namespace Overfit.LinearModels.Internal;

/// <summary>
/// A centered least-squares problem prepared for coordinate descent: the covariance (Gram) form when n ≥ p or p is
/// moderate — one pass over X, then every sweep costs p² — and the column form for wide data.
/// </summary>
internal sealed class PenalizedProblem
{
    private const int MaxGramFeatures = 4096;

    private PenalizedProblem() { }

    public int Samples { get; private init; }
    public int Features { get; private init; }
    public double[] XMean { get; private init; } = [];
    public double YMean { get; private init; }
    public double[] Xty { get; private init; } = [];
    public CenteredGram? Gram { get; private init; }
    private double[]? _columns;
    private double[]? _yc;
    private double[]? _gramScratch;   // reused by every solve of a path (one problem is solved by one thread at a time)

    /// <summary>Also rejects a non-finite X, naming its first bad value (the Gram form finds out from Xᵀy).</summary>
    public static PenalizedProblem Build(MatrixView x, double[] y, bool center, bool? precompute)
    {
        int n = x.Rows, p = x.Cols;
        bool useGram = precompute ?? (n >= p || p <= MaxGramFeatures);
        if (useGram)
        {
            var g = CenteredGram.Build(x.Span, n, p, y, center);
            return new PenalizedProblem { Samples = n, Features = p, XMean = g.XMean, YMean = g.YMean, Xty = g.Xty, Gram = g };
        }
        DenseInput.CheckFinite(x.Span, p, "x");
        var (xc, yc, mean, yMean) = Centering.Center(x, y, center);
        var cols = CoordinateDescent.ToColumns(xc, n, p, ReadOnlySpan<double>.Empty);
        var xty = new double[p];
        for (int j = 0; j < p; j++) xty[j] = TensorPrimitives.Dot(cols.AsSpan(j * n, n), yc);
        return new PenalizedProblem { Samples = n, Features = p, XMean = mean, YMean = yMean, Xty = xty, _columns = cols, _yc = yc };
    }

    public static PenalizedProblem FromGram(CenteredGram g) =>
        new() { Samples = g.Samples, Features = g.Features, XMean = g.XMean, YMean = g.YMean, Xty = g.Xty, Gram = g };

    /// <summary>Minimizes (1/2n)||y − Xw||² + α·ρ·||w||₁ + ½·α·(1−ρ)·||w||² from the given start (warm start).</summary>
    public CdOutcome Solve(Span<double> w, double alpha, double l1Ratio, int maxIter, double tol, bool positive, Overfit.Tensors.Generator? random = null)
    {
        double l1 = alpha * l1Ratio * Samples, l2 = alpha * (1 - l1Ratio) * Samples;
        return Gram is { } g
            ? CoordinateDescent.SolveGram(w, g.Gram, g.Xty, g.YNorm2, Features, l1, l2, maxIter, tol, positive,
                _gramScratch ??= new double[3 * Features], random)
            : CoordinateDescent.SolveColumns(w, _columns!, _yc!, Samples, Features, l1, l2, maxIter, tol, positive, random);
    }

    public double InterceptFor(ReadOnlySpan<double> w, bool center) => center ? YMean - TensorPrimitives.Dot(XMean, w) : 0;

    /// <summary>
    /// scikit-learn's automatic grid: α_max = max|Xᵀy|/(n·ρ) (the smallest α with w = 0), then nAlphas values
    /// log-spaced down to eps·α_max, descending.
    /// </summary>
    public static double[] AlphaGrid(ReadOnlySpan<double> xty, int n, double l1Ratio, int nAlphas, double eps)
    {
        if (l1Ratio == 0)
            throw new ArgumentException("the automatic alpha grid needs l1Ratio > 0 (alpha_max is infinite for a pure L2 penalty); pass explicit alphas", nameof(l1Ratio));
        double alphaMax = Math.Abs(TensorPrimitives.MaxMagnitude(xty)) / (n * l1Ratio);
        var alphas = new double[nAlphas];
        if (alphaMax <= 1e-15) { Array.Fill(alphas, 1e-15); return alphas; }
        double lo = Math.Log10(alphaMax * eps), hi = Math.Log10(alphaMax);
        if (nAlphas == 1) { alphas[0] = Math.Pow(10, lo); return alphas; }   // numpy.logspace(lo, hi, 1) = [10^lo]
        double step = (hi - lo) / (nAlphas - 1);
        for (int i = 0; i < nAlphas; i++)
        {
            double e = i == nAlphas - 1 ? hi : lo + i * step;
            alphas[nAlphas - 1 - i] = Math.Pow(10, e);
        }
        return alphas;
    }

    public static string NonConvergenceMessage(double gap, double tol, double alpha) =>
        $"Objective did not converge: duality gap {gap:0.###e+00} is above the tolerance {tol:0.###e+00}. Increase maxIter, " +
        "check the scale of the features (standardize them) or increase the regularization" +
        (alpha < 1e-10 ? "; fitting with a very small alpha may cause precision problems" : "") + ".";
}
