using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Predictions of an inducing-point model whose posterior over u = f(Z) is written in L-whitened form (K_uu = LLᵀ):
/// for R = K(X*, Z), mean = R v and var = k** − |R L⁻ᵀ|²_row + |R Wᵀ|²_row. SGPR has W = L_B⁻¹L⁻¹ (Titsias 2009, eq. 6),
/// SVGP has W = L_Sᵀ L⁻¹ with q(L⁻¹u) = N(m, L_S L_Sᵀ). Targets are mapped back from the normalized scale.
/// </summary>
internal sealed class InducingPredictor(SparseKernelParts parts, double[] z, int m, int d, double[] lInverse, double[] second,
    double[] meanWeights, double yMean, double yStd)
{
    public (double[] Mean, double[] Std) Predict(double[,] x, bool includeNoise)
    {
        var (xs, rows, cols) = GpInput.Matrix(x, nameof(x));
        if (cols != d) throw new ArgumentException($"X must have {d} columns like the training inputs, got {cols}", nameof(x));
        var mean = new double[rows];
        var std = new double[rows];
        var kdiag = new double[rows];
        parts.Latent.Diagonal(xs, rows, d, kdiag);
        int chunk = Math.Min(TitsiasBound.ChunkRows, rows);
        var r = new double[checked(chunk * m)];
        var a = new double[checked(chunk * m)];
        double noise = includeNoise ? parts.WhiteNoise : 0;
        for (int start = 0; start < rows; start += chunk)
        {
            int c = Math.Min(chunk, rows - start);
            var rc = r.AsSpan(0, c * m);
            parts.Latent.Evaluate(xs.AsSpan(start * d, c * d), c, z, m, d, rc);
            Gemm.Multiply(false, false, c, 1, m, 1.0, rc, m, meanWeights, 1, 0.0, mean.AsSpan(start, c), 1);
            Gemm.Multiply(false, true, c, m, m, 1.0, rc, m, lInverse, m, 0.0, a, m);
            for (int i = 0; i < c; i++) kdiag[start + i] -= RowSquares(a, i, m);
            Gemm.Multiply(false, true, c, m, m, 1.0, rc, m, second, m, 0.0, a, m);
            for (int i = 0; i < c; i++) kdiag[start + i] += RowSquares(a, i, m);
        }
        for (int i = 0; i < rows; i++)
        {
            // Round-off can make a posterior variance slightly negative: clip at zero like the exact regressor.
            double v = Math.Max(kdiag[i], 0) + noise;
            mean[i] = mean[i] * yStd + yMean;
            std[i] = Math.Sqrt(v) * yStd;
        }
        return (mean, std);
    }

    private static double RowSquares(double[] a, int row, int m)
    {
        var span = a.AsSpan(row * m, m);
        return System.Numerics.Tensors.TensorPrimitives.Dot(span, span);
    }
}
