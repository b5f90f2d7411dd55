using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

public sealed partial class SparseGaussianProcessRegressor
{
    private double[]? _lInverse, _whitenedInverse, _meanWeights;

    private void BuildPredictor(TitsiasBound bound) => (_lInverse, _whitenedInverse, _meanWeights) = bound.Predictor();

    /// <summary>
    /// Posterior mean and standard deviation at the rows of X. With <paramref name="includeNoise"/> (the default) the
    /// variance includes the kernel's white noise level, as the exact regressor's Predict does with the same kernel;
    /// without it, the spread of the latent function alone.
    /// </summary>
    public (double[] Mean, double[] Std) Predict(double[,] x, bool includeNoise = true)
    {
        if (_parts is null || _z is null) throw new InvalidOperationException("call Fit before Predict");
        var (xs, rows, d) = GpInput.Matrix(x, nameof(x));
        if (d != _d) throw new ArgumentException($"X must have {_d} columns like the training inputs, got {d}", nameof(x));
        int m = _m;
        var mean = new double[rows];
        var std = new double[rows];
        var kdiag = new double[rows];
        _parts.Latent.Diagonal(xs, rows, d, kdiag);
        int chunk = Math.Min(TitsiasBound.ChunkRows, rows);
        var r = new double[chunk * m];
        var a = new double[chunk * m];
        double noise = includeNoise ? _parts.WhiteNoise : 0;
        for (int start = 0; start < rows; start += chunk)
        {
            int c = Math.Min(chunk, rows - start);
            var rc = r.AsSpan(0, c * m);
            _parts.Latent.Evaluate(xs.AsSpan(start * d, c * d), c, _z, m, d, rc);
            Gemm.Multiply(false, false, c, 1, m, 1.0, rc, m, _meanWeights, 1, 0.0, mean.AsSpan(start, c), 1);
            Gemm.Multiply(false, true, c, m, m, 1.0, rc, m, _lInverse, m, 0.0, a, m);
            for (int i = 0; i < c; i++) kdiag[start + i] -= RowSquares(a, i, m);
            Gemm.Multiply(false, true, c, m, m, 1.0, rc, m, _whitenedInverse, m, 0.0, a, m);
            for (int i = 0; i < c; i++) kdiag[start + i] += RowSquares(a, i, m);
        }
        for (int i = 0; i < rows; i++)
        {
            // Round-off can make a posterior variance slightly negative: clip at zero like the exact regressor.
            double v = Math.Max(kdiag[i], 0) + noise;
            mean[i] = mean[i] * _yStd + _yMean;
            std[i] = Math.Sqrt(v) * _yStd;
        }
        return (mean, std);
    }

    public (Tensor Mean, Tensor Std) Predict(Tensor x, bool includeNoise = true)
    {
        var (m, s) = Predict(GpInput.ToMatrix(x, nameof(x)), includeNoise);
        return (Tensor.FromArray(m), Tensor.FromArray(s));
    }

    private static double RowSquares(double[] a, int row, int m)
    {
        var span = a.AsSpan(row * m, m);
        return System.Numerics.Tensors.TensorPrimitives.Dot(span, span);
    }
}
