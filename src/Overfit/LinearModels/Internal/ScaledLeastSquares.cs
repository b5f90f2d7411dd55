using Overfit.Tensors.Kernels;
using System.Numerics.Tensors;

namespace Overfit.LinearModels.Internal;

/// <summary>
/// NumPy's fitting recipe for polyfit and chebfit: scale every column of the design to unit norm, solve by SVD with
/// singular values at or below rcond·s_max treated as zero (LAPACK gelsd's rule), then undo the scaling.
/// </summary>
internal static class ScaledLeastSquares
{
    public static (double[] Coefficients, int Rank, double[] SingularValues) Solve(double[] lhs, int n, int m, double[] rhs, double rcond)
    {
        var scale = new double[m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) scale[j] += lhs[i * m + j] * lhs[i * m + j];
        for (int j = 0; j < m; j++) scale[j] = scale[j] == 0 ? 1 : Math.Sqrt(scale[j]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) lhs[i * m + j] /= scale[j];
        var svd = ThinSvd.Compute(lhs, n, m);
        var coords = svd.UTransposeTimes(rhs);
        double cutoff = rcond * (svd.K > 0 ? svd.S[0] : 0);
        int rank = 0;
        for (int j = 0; j < svd.K; j++)
        {
            if (svd.S[j] > cutoff) { coords[j] /= svd.S[j]; rank++; }
            else coords[j] = 0;
        }
        var c = svd.VTimes(coords);
        TensorPrimitives.Divide(c, scale, c);
        return (c, rank, svd.S);
    }
}
