using Overfit.Tensors;

namespace Overfit.Data.Preprocessing;

/// <summary>
/// scikit-learn's StandardScaler: learns each column's mean and (biased) variance in Fit, and Transform maps
/// x to (x - mean) / scale with scale = sqrt(variance), or 1 for a constant column. Statistics are
/// accumulated in Float64 whatever the input type; a Float32 input stays Float32 on output.
/// </summary>
public sealed class StandardScaler
{
    /// <summary>A scaler (like sklearn.preprocessing.StandardScaler).</summary>
    /// <param name="withMean">Subtract each column's mean.</param>
    /// <param name="withStd">Divide by each column's standard deviation.</param>
    public StandardScaler(bool withMean = true, bool withStd = true)
    {
        WithMean = withMean;
        WithStd = withStd;
    }

    /// <summary>Whether Transform subtracts the mean.</summary>
    public bool WithMean { get; }

    /// <summary>Whether Transform divides by the standard deviation.</summary>
    public bool WithStd { get; }

    /// <summary>Per-column means (null before Fit).</summary>
    public double[]? Mean { get; private set; }

    /// <summary>Per-column biased variances (null before Fit).</summary>
    public double[]? Variance { get; private set; }

    /// <summary>Per-column divisors: sqrt(variance), 1 where the variance is zero (null before Fit).</summary>
    public double[]? Scale { get; private set; }

    /// <summary>Rows seen by the last Fit (scikit-learn's n_samples_seen_).</summary>
    public int SamplesSeen { get; private set; }

    /// <summary>Learns the statistics of an n×p matrix.</summary>
    /// <exception cref="ArgumentException">x has no rows.</exception>
    public StandardScaler Fit(double[,] x) => Fit(Tensor.FromArray(x));

    /// <summary>Learns the statistics of a [samples, features] matrix.</summary>
    public StandardScaler Fit(Tensor x)
    {
        double[] values = CheckMatrix(x, nameof(x), expectedColumns: null);
        int rows = x.Size(0), columns = x.Size(1);
        if (rows == 0) throw new ArgumentException($"x must have at least one row, got shape [{rows}, {columns}]", nameof(x));
        var mean = new double[columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) mean[c] += values[r * columns + c];
        for (int c = 0; c < columns; c++) mean[c] /= rows;
        // Two passes with scikit-learn's correction term: sum((x - m)^2) - (sum(x - m))^2 / n.
        var squares = new double[columns];
        var correction = new double[columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                double d = values[r * columns + c] - mean[c];
                correction[c] += d;
                squares[c] += d * d;
            }
        var variance = new double[columns];
        var scale = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            variance[c] = (squares[c] - correction[c] * correction[c] / rows) / rows;
            // scikit-learn's _is_constant_feature: a variance within rounding noise of zero marks a constant column (scale 1).
            const double eps = 2.220446049250313e-16;
            double bound = rows * eps * variance[c] + Math.Pow(rows * mean[c] * eps, 2);
            scale[c] = variance[c] <= bound ? 1.0 : Math.Sqrt(variance[c]);
        }
        Mean = WithMean ? mean : null;
        Variance = WithStd ? variance : null;
        Scale = WithStd ? scale : null;
        SamplesSeen = rows;
        _fitted = true;
        _columns = columns;
        return this;
    }

    private bool _fitted;
    private int _columns;

    /// <summary>(x − mean) / scale on an m×p matrix.</summary>
    /// <exception cref="InvalidOperationException">Not fitted yet.</exception>
    public double[,] Transform(double[,] x) => Transform(Tensor.FromArray(x)).ToMatrix();

    /// <summary>(x - mean) / scale, column by column; the result has x's dtype.</summary>
    public Tensor Transform(Tensor x) => Map(x, inverse: false);

    /// <summary>x·scale + mean on an m×p matrix.</summary>
    /// <exception cref="InvalidOperationException">Not fitted yet.</exception>
    public double[,] InverseTransform(double[,] x) => InverseTransform(Tensor.FromArray(x)).ToMatrix();

    /// <summary>x * scale + mean: undoes <see cref="Transform(Tensor)"/>.</summary>
    public Tensor InverseTransform(Tensor x) => Map(x, inverse: true);

    /// <summary>Fit then Transform on the same [n, p] tensor.</summary>
    public Tensor FitTransform(Tensor x) => Fit(x).Transform(x);

    /// <summary>Fit then Transform on the same n×p matrix.</summary>
    public double[,] FitTransform(double[,] x) => Fit(x).Transform(x);

    private Tensor Map(Tensor x, bool inverse)
    {
        if (!_fitted) throw new InvalidOperationException("StandardScaler is not fitted yet; call Fit first");
        double[] values = CheckMatrix(x, nameof(x), _columns);
        int columns = _columns;
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int c = i % columns;
            double v = values[i];
            double m = Mean?[c] ?? 0, s = Scale?[c] ?? 1;
            if (inverse) result[i] = v * s + m;
            // In Float32 NumPy rounds after each in-place step (x -= mean; x /= scale): do the same.
            else if (x.DType == DType.Float32) result[i] = (float)((float)(v - m) / s);
            else result[i] = (v - m) / s;
        }
        Tensor output = Tensor.FromArray(result, x.Shape);
        return x.DType == DType.Float32 ? output.To(DType.Float32) : output;
    }

    private static double[] CheckMatrix(Tensor x, string name, int? expectedColumns)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.Rank != 2) throw new ArgumentException($"{name} must be a [samples, features] matrix, got shape [{string.Join(", ", x.Shape)}]", name);
        if (expectedColumns is int c && x.Size(1) != c)
            throw new ArgumentException($"{name} must have {c} features (as seen in Fit), got {x.Size(1)}", name);
        return x.ToDoubleArray();
    }
}
