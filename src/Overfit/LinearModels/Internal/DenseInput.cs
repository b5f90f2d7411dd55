using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Overfit.Tensors;

namespace Overfit.LinearModels.Internal;

/// <summary>
/// A read-only view of a row-major Float64 matrix given as <c>double[,]</c>, <c>double[]</c> or a contiguous Float64
/// <see cref="Tensor"/>. Views avoid copying the design matrix, which for large problems costs as much as the fit itself.
/// </summary>
internal readonly struct MatrixView
{
    private readonly Array _storage;
    private readonly int _offset;

    public MatrixView(Array storage, int offset, int rows, int cols)
    {
        _storage = storage; _offset = offset; Rows = rows; Cols = cols;
    }

    public int Rows { get; }
    public int Cols { get; }

    public ReadOnlySpan<double> Span
    {
        get
        {
            if (_storage is double[] flat) return flat.AsSpan(_offset, Rows * Cols);
            ref byte start = ref MemoryMarshal.GetArrayDataReference(_storage);
            return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, double>(ref start), Rows * Cols);
        }
    }

    /// <summary>A contiguous copy of the selected rows (cross-validation folds, learning-curve subsets).</summary>
    public double[] CopyRows(ReadOnlySpan<int> rows)
    {
        var src = Span;
        var dst = new double[rows.Length * Cols];
        for (int i = 0; i < rows.Length; i++) src.Slice(rows[i] * Cols, Cols).CopyTo(dst.AsSpan(i * Cols, Cols));
        return dst;
    }
}

/// <summary>Argument checking and conversion shared by every estimator (messages name the argument, the expectation and what came).</summary>
internal static class DenseInput
{
    public static MatrixView Matrix(double[,] x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        var v = new MatrixView(x, 0, x.GetLength(0), x.GetLength(1));
        CheckShape(v, name);
        return v;
    }

    public static MatrixView Matrix(Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.Rank != 2) throw new ArgumentException($"{name} must be a 2-D tensor [samples, features], got shape [{string.Join(", ", x.Shape)}]", name);
        var t = x.DType == DType.Float64 && x.IsContiguous ? x : x.To(DType.Float64).Contiguous();
        var v = new MatrixView(t.Storage, t.Offset, t.Size(0), t.Size(1));
        CheckShape(v, name);
        return v;
    }

    public static MatrixView Matrix(double[] x, int rows, int cols, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.Length != (long)rows * cols) throw new ArgumentException($"{name} must hold {rows}×{cols} = {rows * cols} values, got {x.Length}", name);
        var v = new MatrixView(x, 0, rows, cols);
        CheckShape(v, name);
        return v;
    }

    public static double[] Vector(double[] y, string name)
    {
        ArgumentNullException.ThrowIfNull(y, name);
        if (y.Length == 0) throw new ArgumentException($"{name} must not be empty, got 0 values", name);
        return y;
    }

    public static double[] Vector(Tensor y, string name)
    {
        ArgumentNullException.ThrowIfNull(y, name);
        if (y.Rank != 1 && !(y.Rank == 2 && y.Size(1) == 1))
            throw new ArgumentException($"{name} must be a 1-D tensor [samples] (or [samples, 1]), got shape [{string.Join(", ", y.Shape)}]", name);
        return Vector(y.ToDoubleArray(), name);
    }

    /// <summary>
    /// Throws unless X and y describe the same samples and contain only finite numbers. With <paramref name="checkX"/>
    /// false the caller's own pass over X checks it (<see cref="CenteredGram.Build"/> does, from Xᵀy), so X is read once.
    /// </summary>
    public static void CheckXy(MatrixView x, ReadOnlySpan<double> y, string xName = "x", string yName = "y", bool checkX = true)
    {
        if (y.Length != x.Rows)
            throw new ArgumentException($"{xName} and {yName} must have the same number of samples: {xName} has {x.Rows} rows, {yName} has {y.Length} values", yName);
        if (checkX) CheckFinite(x.Span, x.Cols, xName);
        CheckFinite(y, 1, yName);
    }

    /// <summary>Throws naming the first NaN or infinity. A single vectorized sum finds out whether there is one at all.</summary>
    public static void CheckFinite(ReadOnlySpan<double> values, int cols, string name)
    {
        // Any NaN or ±Inf makes the sum non-finite; a finite-but-huge sum overflowing is then found by the scan below.
        if (double.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(values))) return;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i])) continue;
            string where = cols == 1 ? $"index {i}" : $"row {i / cols}, column {i % cols}";
            throw new ArgumentException($"{name} must contain only finite values, got {values[i]} at {where}", name);
        }
    }

    public static void CheckShape(MatrixView v, string name)
    {
        if (v.Rows == 0 || v.Cols == 0)
            throw new ArgumentException($"{name} must have at least one sample and one feature, got {v.Rows}×{v.Cols}", name);
    }

    public static void CheckFeatures(int expected, int got, string name)
    {
        if (expected != got)
            throw new ArgumentException($"{name} must have {expected} features (columns) like the training data, got {got}", name);
    }

    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number >= 0, got {value}");
    }

    public static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0, got {value}");
    }

    public static void AtLeast(int value, int min, string name)
    {
        if (value < min) throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= {min}, got {value}");
    }

    public static void UnitInterval(double value, string name)
    {
        if (!(value >= 0 && value <= 1)) throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1], got {value}");
    }

    public static double[,] ToArray2D(ReadOnlySpan<double> flat, int rows, int cols)
    {
        var a = new double[rows, cols];
        flat.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(a)), rows * cols));
        return a;
    }
}
