using Overfit.LinearModels.Internal;

namespace Overfit.LinearModels;

/// <summary>Coefficients along a regularization path, alphas descending (scikit-learn's enet_path / lasso_path output).</summary>
public sealed record RegularizationPath(double[] Alphas, double[][] Coefficients, double[] DualGaps, int[] Iterations, bool[] Converged);

/// <summary>
/// scikit-learn's enet_path: coordinate descent over a descending alpha grid, each solve warm-started from the previous
/// one. Like scikit-learn, the data are used as given (no centering: center X and y first, or use ElasticNetCV).
/// Sample weights (scaled to sum to n, as <see cref="ElasticNet"/> does) multiply row i of X and y by √wᵢ, so every
/// point of the path is the weighted fit <c>ElasticNet(fitIntercept: false).Fit(x, y, sampleWeight)</c> would give.
/// </summary>
public static class ElasticNetPath
{
    /// <summary>Elastic-net coefficients along a descending alpha grid (like sklearn.linear_model.enet_path); x is n×p, y has n values.</summary>
    /// <param name="x">Design matrix n×p, used as given (not centered).</param>
    /// <param name="y">Targets, n values.</param>
    /// <param name="l1Ratio">L1 share ρ in [0, 1] (default 0.5).</param>
    /// <param name="nAlphas">Length of the automatic grid (default 100).</param>
    /// <param name="eps">Ratio α_min/α_max of the automatic grid (default 1e-3).</param>
    /// <param name="alphas">Explicit grid instead of the automatic one.</param>
    /// <param name="maxIter">Maximum sweeps per alpha (default 1000).</param>
    /// <param name="tol">Duality-gap tolerance (default 1e-4).</param>
    /// <param name="positive">Constrain coefficients to be ≥ 0.</param>
    /// <param name="precompute">Gram form: true, false, or null to decide from the shape.</param>
    /// <param name="sampleWeight">Optional per-sample weights, n values.</param>
    /// <exception cref="ArgumentException">A shape is wrong, the data are not finite, or alphas is empty.</exception>
    public static RegularizationPath Compute(double[,] x, double[] y, double l1Ratio = 0.5, int nAlphas = 100, double eps = 1e-3,
        double[]? alphas = null, int maxIter = 1000, double tol = 1e-4, bool positive = false, bool? precompute = null, double[]? sampleWeight = null)
    {
        var xv = DenseInput.Matrix(x, nameof(x));
        return Compute(xv, DenseInput.Vector(y, nameof(y)), l1Ratio, nAlphas, eps, alphas, maxIter, tol, positive, precompute, sampleWeight);
    }

    /// <summary>Elastic-net path on tensors: x [n, p], y [n], sampleWeight [n]; see <see cref="Compute(double[,], double[], double, int, double, double[], int, double, bool, bool?, double[])"/>.</summary>
    /// <exception cref="ArgumentException">A shape is wrong, the data are not finite, or alphas is empty.</exception>
    public static RegularizationPath Compute(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y, double l1Ratio = 0.5, int nAlphas = 100,
        double eps = 1e-3, double[]? alphas = null, int maxIter = 1000, double tol = 1e-4, bool positive = false, bool? precompute = null,
        Overfit.Tensors.Tensor? sampleWeight = null)
    {
        var xv = DenseInput.Matrix(x, nameof(x));
        var w = sampleWeight is null ? null : DenseInput.Vector(sampleWeight, nameof(sampleWeight));
        return Compute(xv, DenseInput.Vector(y, nameof(y)), l1Ratio, nAlphas, eps, alphas, maxIter, tol, positive, precompute, w);
    }

    internal static RegularizationPath Compute(MatrixView x, double[] y, double l1Ratio, int nAlphas, double eps,
        double[]? alphas, int maxIter, double tol, bool positive, bool? precompute, double[]? sampleWeight = null)
    {
        DenseInput.UnitInterval(l1Ratio, nameof(l1Ratio));
        DenseInput.AtLeast(nAlphas, 1, nameof(nAlphas));
        DenseInput.Positive(eps, nameof(eps));
        DenseInput.AtLeast(maxIter, 1, nameof(maxIter));
        DenseInput.Positive(tol, nameof(tol));
        DenseInput.CheckXy(x, y, checkX: false);   // PenalizedProblem.Build checks X in its own pass
        if (sampleWeight is not null)
        {
            DenseInput.CheckFinite(x.Span, x.Cols, "x");
            var w = SampleWeighting.NormalizedToCount(SampleWeighting.Check(sampleWeight, x.Rows));
            (x, _) = SampleWeighting.RescaleX(x, w, center: false);
            (y, _) = SampleWeighting.RescaleY(y, w, center: false);
        }
        var problem = PenalizedProblem.Build(x, y, center: false, precompute);
        var grid = CheckedAlphas(alphas) ?? PenalizedProblem.AlphaGrid(problem.Xty, x.Rows, l1Ratio, nAlphas, eps);
        return Run(problem, grid, l1Ratio, maxIter, tol, positive);
    }

    internal static double[]? CheckedAlphas(double[]? alphas)
    {
        if (alphas is null) return null;
        if (alphas.Length == 0) throw new ArgumentException("alphas must hold at least one value, got none", nameof(alphas));
        for (int i = 0; i < alphas.Length; i++) DenseInput.NonNegative(alphas[i], $"alphas[{i}]");
        var sorted = (double[])alphas.Clone();
        Array.Sort(sorted);
        Array.Reverse(sorted);
        return sorted;
    }

    internal static RegularizationPath Run(PenalizedProblem problem, double[] alphas, double l1Ratio, int maxIter, double tol, bool positive)
    {
        int p = problem.Features;
        var w = new double[p];
        var coefs = new double[alphas.Length][];
        var gaps = new double[alphas.Length];
        var iters = new int[alphas.Length];
        var conv = new bool[alphas.Length];
        for (int a = 0; a < alphas.Length; a++)
        {
            var o = problem.Solve(w, alphas[a], l1Ratio, maxIter, tol, positive);
            coefs[a] = (double[])w.Clone();
            gaps[a] = o.Gap / problem.Samples;
            iters[a] = o.Iterations;
            conv[a] = o.Converged;
        }
        return new RegularizationPath(alphas, coefs, gaps, iters, conv);
    }
}

/// <summary>scikit-learn's lasso_path: <see cref="ElasticNetPath"/> with l1Ratio = 1.</summary>
public static class LassoPath
{
    /// <summary>Lasso coefficients along a descending alpha grid (like sklearn.linear_model.lasso_path); x is n×p, y has n values.</summary>
    /// <exception cref="ArgumentException">A shape is wrong, the data are not finite, or alphas is empty.</exception>
    public static RegularizationPath Compute(double[,] x, double[] y, int nAlphas = 100, double eps = 1e-3, double[]? alphas = null,
        int maxIter = 1000, double tol = 1e-4, bool positive = false, bool? precompute = null, double[]? sampleWeight = null)
        => ElasticNetPath.Compute(x, y, 1.0, nAlphas, eps, alphas, maxIter, tol, positive, precompute, sampleWeight);

    /// <summary>Lasso path on tensors: x [n, p], y [n], sampleWeight [n].</summary>
    /// <exception cref="ArgumentException">A shape is wrong, the data are not finite, or alphas is empty.</exception>
    public static RegularizationPath Compute(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y, int nAlphas = 100, double eps = 1e-3,
        double[]? alphas = null, int maxIter = 1000, double tol = 1e-4, bool positive = false, bool? precompute = null,
        Overfit.Tensors.Tensor? sampleWeight = null)
        => ElasticNetPath.Compute(x, y, 1.0, nAlphas, eps, alphas, maxIter, tol, positive, precompute, sampleWeight);
}
