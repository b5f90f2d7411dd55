using Overfit.Tensors.Kernels;
using Overfit.LinearModels.Internal;
using Overfit.Tensors;

namespace Overfit.LinearModels;

/// <summary>
/// Ordinary least squares (scikit-learn's LinearRegression): the intercept is removed by centering, then the
/// minimum-norm least-squares solution comes from an SVD of the centered design, so rank-deficient and
/// ill-conditioned designs give the same answer as LAPACK's gelsd.
/// </summary>
public sealed class LinearRegression : LinearModel
{
    public LinearRegression(bool fitIntercept = true) : base(fitIntercept) { }

    /// <summary>Numerical rank of the (centered) design.</summary>
    public int Rank { get; private set; }

    /// <summary>Singular values of the (centered) design, descending.</summary>
    public double[] SingularValues { get; private set; } = [];

    public LinearRegression Fit(double[,] x, double[] y) { FitMatrix(x, y); return this; }
    public LinearRegression Fit(Tensor x, Tensor y) { FitMatrix(x, y); return this; }

    private protected override void FitCore(MatrixView x, double[] y)
    {
        var (xc, yc, xMean, yMean) = Centering.Center(x, y, FitIntercept);
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
        Intercept = FitIntercept ? yMean - System.Numerics.Tensors.TensorPrimitives.Dot(xMean, Coefficients) : 0;
        Rank = rank;
        SingularValues = svd.S;
    }
}
