using Overfit.Tensors.Kernels;
using System.Numerics.Tensors;
using Overfit.LinearModels.Internal;

namespace Overfit.LinearModels;

/// <summary>Ridge solutions for many penalties, all read off one SVD of the centered design.</summary>
public sealed record RidgePathResult(double[] Alphas, double[][] Coefficients, double[] Intercepts);

public sealed partial class Ridge
{
    /// <summary>
    /// Coefficients and intercepts for every alpha from a single SVD (cost of one fit, then O(p·min(n,p)) per alpha);
    /// optional sample weights as in <see cref="Fit(double[,], double[], double[])"/>.
    /// </summary>
    public static RidgePathResult Path(double[,] x, double[] y, double[] alphas, bool fitIntercept = true, double[]? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(alphas);
        if (alphas.Length == 0) throw new ArgumentException("alphas must hold at least one value, got none", nameof(alphas));
        for (int i = 0; i < alphas.Length; i++) DenseInput.NonNegative(alphas[i], $"alphas[{i}]");
        var xv = DenseInput.Matrix(x, nameof(x));
        DenseInput.CheckXy(xv, DenseInput.Vector(y, nameof(y)));
        double[] xc, yc, xMean;
        double yMean;
        if (sampleWeight is null) (xc, yc, xMean, yMean) = Centering.Center(xv, y, fitIntercept);
        else
        {
            var w = SampleWeighting.Check(sampleWeight, xv.Rows);
            MatrixView xs;
            (xs, xMean) = SampleWeighting.RescaleX(xv, w, fitIntercept);
            (yc, yMean) = SampleWeighting.RescaleY(y, w, fitIntercept);
            xc = xs.Span.ToArray();
        }
        var svd = ThinSvd.Compute(xc, xv.Rows, xv.Cols);
        var uty = svd.UTransposeTimes(yc);
        var coefs = new double[alphas.Length][];
        var intercepts = new double[alphas.Length];
        for (int a = 0; a < alphas.Length; a++)
        {
            coefs[a] = SolveFromSvd(svd, uty, alphas[a]);
            intercepts[a] = fitIntercept ? yMean - TensorPrimitives.Dot(xMean, coefs[a]) : 0;
        }
        return new RidgePathResult((double[])alphas.Clone(), coefs, intercepts);
    }
}
