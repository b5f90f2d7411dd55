using Overfit.Tensors.Kernels;
using Overfit.LinearModels.Internal;
using Overfit.Tensors;

namespace Overfit.LinearModels;

/// <summary>
/// Ordinary least squares (scikit-learn's LinearRegression): the intercept is removed by centering, then the
/// minimum-norm least-squares solution comes from an SVD of the centered design, so rank-deficient and
/// ill-conditioned designs give the same answer as LAPACK's gelsd. With <c>positive</c>, the coefficients are constrained
/// to be ≥ 0 and come from non-negative least squares (Lawson–Hanson, as scipy.optimize.nnls) on the centered design.
/// </summary>
public sealed class LinearRegression : LinearModel
{
    /// <summary>Ordinary least squares (like sklearn.linear_model.LinearRegression).</summary>
    /// <param name="fitIntercept">Fit an intercept (default true).</param>
    /// <param name="positive">Constrain coefficients to be ≥ 0 (non-negative least squares).</param>
    public LinearRegression(bool fitIntercept = true, bool positive = false) : base(fitIntercept) { Positive = positive; }

    /// <summary>Constrain every coefficient to be ≥ 0 (non-negative least squares).</summary>
    public bool Positive { get; }

    /// <summary>Numerical rank of the (centered) design (0 with <see cref="Positive"/>, which does not compute it, like scikit-learn).</summary>
    public int Rank { get; private set; }

    /// <summary>Singular values of the (centered) design, descending (empty with <see cref="Positive"/>).</summary>
    public double[] SingularValues { get; private set; } = [];

    /// <summary>Fits y (n) with optional per-sample weights (zero drops a sample; weights rescale the squared loss).</summary>
    public LinearRegression Fit(double[,] x, double[] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits every column of y (n×t) as its own target: coefficients [t, p] in <see cref="LinearModel.CoefficientMatrix"/>.</summary>
    public LinearRegression Fit(double[,] x, double[,] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits y of shape [n] or [n, t], with optional sample weights [n].</summary>
    public LinearRegression Fit(Tensor x, Tensor y, Tensor? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }

    private protected override void FitCore(MatrixView x, double[] y)
    {
        var (xc, yc, xMean, yMean) = Centering.Center(x, y, CenterData);
        if (Positive)
        {
            Coefficients = NonNegativeLeastSquares.Solve(xc, x.Rows, x.Cols, yc);
            Intercept = CenterData ? yMean - System.Numerics.Tensors.TensorPrimitives.Dot(xMean, Coefficients) : 0;
            (Rank, SingularValues) = (0, []);
            return;
        }
        var svd = ThinSvd.Compute(xc, x.Rows, x.Cols);
        double cutoff = svd.S.Length == 0 ? 0 : svd.S[0] * 2.220446049250313e-16 * Math.Max(x.Rows, x.Cols);
        var coords = svd.UTransposeTimes(yc);
        int rank = 0;
        for (int j = 0; j < svd.K; j++)
        {
            if (svd.S[j] > cutoff) { coords[j] /= svd.S[j]; rank++; }
            else coords[j] = 0;
        }
        Coefficients = svd.VTimes(coords);
        Intercept = CenterData ? yMean - System.Numerics.Tensors.TensorPrimitives.Dot(xMean, Coefficients) : 0;
        Rank = rank;
        SingularValues = svd.S;
    }
}
