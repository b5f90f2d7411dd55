using System.Numerics.Tensors;
using Overfit.LinearModels.Internal;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;
using Tensor = Overfit.Tensors.Tensor;

namespace Overfit.LinearModels;

/// <summary>
/// Ridge regression with scikit-learn's objective ||y − Xw − b||² + α·||w||² (no 1/n; the intercept b is not
/// penalized and is removed by centering).
/// </summary>
public sealed partial class Ridge : LinearModel
{
    /// <summary>Ridge regression (like sklearn.linear_model.Ridge).</summary>
    /// <param name="alpha">L2 penalty α ≥ 0 (default 1).</param>
    /// <param name="fitIntercept">Fit an unpenalized intercept.</param>
    /// <param name="solver">Solver; Auto picks one from the shape.</param>
    /// <param name="tol">Tolerance of the iterative solvers (default 1e-4).</param>
    /// <param name="maxIter">Iteration cap of the iterative solvers (null: solver default).</param>
    /// <exception cref="ArgumentOutOfRangeException">alpha negative, tol not positive, or maxIter &lt; 1.</exception>
    public Ridge(double alpha = 1.0, bool fitIntercept = true, RidgeSolver solver = RidgeSolver.Auto, double tol = 1e-4, int? maxIter = null)
        : base(fitIntercept)
    {
        DenseInput.NonNegative(alpha, nameof(alpha));
        DenseInput.Positive(tol, nameof(tol));
        if (maxIter is int m) DenseInput.AtLeast(m, 1, nameof(maxIter));
        Alpha = alpha; Solver = solver; Tol = tol; MaxIter = maxIter;
    }

    /// <summary>L2 penalty strength α.</summary>
    public double Alpha { get; }
    /// <summary>The requested solver.</summary>
    public RidgeSolver Solver { get; }
    /// <summary>Tolerance of the iterative solvers.</summary>
    public double Tol { get; }
    /// <summary>Iteration cap of the iterative solvers, or null for the solver's default.</summary>
    public int? MaxIter { get; }

    /// <summary>The solver that produced the coefficients (Svd after a Cholesky fallback).</summary>
    public RidgeSolver SolverUsed { get; private set; }

    /// <summary>Conjugate-gradient iterations (0 for the direct solvers).</summary>
    public int Iterations { get; private set; }

    /// <summary>Fits y (n) with optional per-sample weights (zero drops a sample; weights rescale the squared loss).</summary>
    public Ridge Fit(double[,] x, double[] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits every column of y (n×t) as its own target: coefficients [t, p] in <see cref="LinearModel.CoefficientMatrix"/>.</summary>
    public Ridge Fit(double[,] x, double[,] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits y of shape [n] or [n, t], with optional sample weights [n].</summary>
    public Ridge Fit(Tensor x, Tensor y, Tensor? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }

    // The Gram route rejects a non-finite X from its statistics pass (and a fallback to SVD comes after that pass).
    private protected override bool ChecksFiniteWhileFitting => Solver != RidgeSolver.Svd;

    private protected override void FitCore(MatrixView x, double[] y)
    {
        Iterations = 0;
        if (Solver == RidgeSolver.Svd) { FitSvd(x, y); return; }
        var g = CenteredGram.Build(x.Span, x.Rows, x.Cols, y, CenterData);
        int p = x.Cols;
        if (Solver == RidgeSolver.ConjugateGradient)
        {
            (Coefficients, Iterations) = ConjugateGradient(g.Gram, p, Alpha, g.Xty, Tol, MaxIter ?? 10 * p);
            SolverUsed = RidgeSolver.ConjugateGradient;
        }
        else
        {
            var a = g.Gram;   // the Gram matrix is not needed after this: factor it in place rather than copy it
            for (int i = 0; i < p; i++) a[i * p + i] += Alpha;
            if (!DenseLinalg.TryCholesky(a, p, out _)) { FitSvd(x, y); return; }
            var w = (double[])g.Xty.Clone();
            DenseLinalg.CholeskySolveInPlace(a, p, w, 1);
            Coefficients = w;
            SolverUsed = RidgeSolver.Cholesky;
        }
        Intercept = CenterData ? g.InterceptFor(Coefficients) : 0;
    }

    private void FitSvd(MatrixView x, double[] y)
    {
        var (xc, yc, xMean, yMean) = Centering.Center(x, y, CenterData);
        var svd = ThinSvd.Compute(xc, x.Rows, x.Cols);
        Coefficients = SolveFromSvd(svd, svd.UTransposeTimes(yc), Alpha);
        Intercept = CenterData ? yMean - TensorPrimitives.Dot(xMean, Coefficients) : 0;
        SolverUsed = RidgeSolver.Svd;
    }

    /// <summary>w = V·diag(s/(s²+α))·Uᵀy, ignoring singular values at or below 1e-15 as scikit-learn does.</summary>
    internal static double[] SolveFromSvd(ThinSvd svd, ReadOnlySpan<double> uty, double alpha)
    {
        var coords = new double[svd.K];
        for (int j = 0; j < svd.K; j++)
        {
            double s = svd.S[j];
            coords[j] = s > 1e-15 ? s / (s * s + alpha) * uty[j] : 0;
        }
        return svd.VTimes(coords);
    }

    /// <summary>CG on (G + αI)w = b, stopping when ||r|| ≤ tol·||b|| (SciPy's cg criterion used by scikit-learn).</summary>
    internal static (double[] W, int Iterations) ConjugateGradient(double[] gram, int p, double alpha, double[] b, double tol, int maxIter)
    {
        var w = new double[p];
        var r = (double[])b.Clone();
        var d = (double[])b.Clone();
        var q = new double[p];
        double rr = TensorPrimitives.Dot(r, r), stop = tol * tol * rr;
        int it = 0;
        while (rr > stop && it < maxIter)
        {
            for (int i = 0; i < p; i++) q[i] = TensorPrimitives.Dot(gram.AsSpan(i * p, p), d) + alpha * d[i];
            double step = rr / TensorPrimitives.Dot(d, q);
            TensorPrimitives.MultiplyAdd(d, step, w, w);
            TensorPrimitives.MultiplyAdd(q, -step, r, r);
            double rrNew = TensorPrimitives.Dot(r, r);
            TensorPrimitives.MultiplyAdd(d, rrNew / rr, r, d);
            rr = rrNew;
            it++;
        }
        return (w, it);
    }
}
