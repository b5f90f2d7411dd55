using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>Input validation and conversions shared by kernels and models.</summary>
internal static class GpInput
{
    public static (double[] Data, int Rows, int Cols) Matrix(double[,] x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        int n = x.GetLength(0), d = x.GetLength(1);
        if (n == 0 || d == 0) throw new ArgumentException($"{name} must be a non-empty n×d matrix, got {n}×{d}", name);
        var data = new double[n * d];
        Buffer.BlockCopy(x, 0, data, 0, data.Length * sizeof(double));
        CheckFinite(data, name);
        return (data, n, d);
    }

    public static void CheckFinite(ReadOnlySpan<double> data, string name)
    {
        for (int i = 0; i < data.Length; i++)
            if (!double.IsFinite(data[i]))
                throw new ArgumentException($"{name} must be finite; element {i} is {data[i]}", name);
    }

    public static double[,] ToMatrix(double[] data, int rows, int cols)
    {
        var m = new double[rows, cols];
        Buffer.BlockCopy(data, 0, m, 0, rows * cols * sizeof(double));
        return m;
    }

    public static double[,] ToMatrix(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.Rank == 1) return ToMatrix(t.To(DType.Float64).Contiguous().ToDoubleArray(), t.Shape[0], 1);
        if (t.Rank != 2) throw new ArgumentException($"{name} must be a 2-D tensor (n×d), got rank {t.Rank}", name);
        return ToMatrix(t.To(DType.Float64).Contiguous().ToDoubleArray(), t.Shape[0], t.Shape[1]);
    }

    public static double[] Vector(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.Rank != 1 && !(t.Rank == 2 && t.Shape[1] == 1))
            throw new ArgumentException($"{name} must be a vector (n or n×1), got shape [{string.Join(", ", t.Shape)}]", name);
        return t.To(DType.Float64).Contiguous().ToDoubleArray();
    }

    public static double[] Vector(double[] y, string name)
    {
        ArgumentNullException.ThrowIfNull(y, name);
        CheckFinite(y, name);
        return (double[])y.Clone();
    }

    /// <summary>
    /// scikit-learn's normalize_y for every GP regressor (exact and inducing-point): with <paramref name="normalize"/>,
    /// standardizes <paramref name="y"/> in place to mean 0 and population standard deviation 1 and returns both; (0, 1)
    /// and y untouched otherwise. The sums run on y / max|y|, so targets near ±1e308 neither overflow the mean nor the
    /// variance (the standard deviation never exceeds max|y|). Constant targets are only centred (std 1), as scikit-learn does.
    /// </summary>
    public static (double Mean, double Std) StandardizeTargets(double[] y, bool normalize = true)
    {
        if (!normalize) return (0, 1);
        int n = y.Length;
        double scale = 0;
        foreach (double t in y) scale = Math.Max(scale, Math.Abs(t));
        if (scale == 0) return (0, 1);
        double mean = 0;
        foreach (double t in y) mean += t / scale;
        mean /= n;
        double v = 0;
        foreach (double t in y) v += (t / scale - mean) * (t / scale - mean);
        double std = Math.Sqrt(v / n);
        if (std == 0) { for (int i = 0; i < n; i++) y[i] = 0; return (mean * scale, 1); }
        for (int i = 0; i < n; i++) y[i] = (y[i] / scale - mean) / std;
        return (mean * scale, std * scale);
    }
}
