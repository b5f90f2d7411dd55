namespace Overfit.Tensors;

public sealed partial class Tensor
{
    /// <summary>Zeroed storage, from the pool when a spare of this size is kept.</summary>
    private static Array Allocate(DType dtype, int n)
    {
        var data = Rent(dtype, n);
        Array.Clear(data);
        return data;
    }

    private static Array Rent(DType dtype, int n) => dtype == DType.Float32 ? StoragePool.Rent<float>(n) : StoragePool.Rent<double>(n);

    internal static Tensor Empty(int[] shape, DType dtype) => Owned(Allocate(dtype, ShapeUtil.Numel(shape)), (int[])shape.Clone());

    /// <summary>
    /// Like <see cref="Empty"/> but without zeroing the storage: only for results a kernel overwrites completely.
    /// Skipping the clear matters for large outputs, where zeroing costs as much as the op itself.
    /// </summary>
    internal static Tensor Uninitialized(int[] shape, DType dtype)
    {
        return Owned(Rent(dtype, ShapeUtil.Numel(shape)), (int[])shape.Clone());
    }

    /// <summary>A tensor of zeros (torch.zeros); Float32 unless <paramref name="dtype"/> says otherwise.</summary>
    /// <exception cref="ArgumentException">A size in <paramref name="shape"/> is negative.</exception>
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        var t = Owned(Allocate(dtype, ShapeUtil.Numel(CheckShape(shape))), (int[])shape.Clone());
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>A tensor of ones (torch.ones).</summary>
    /// <exception cref="ArgumentException">A size in <paramref name="shape"/> is negative.</exception>
    public static Tensor Ones(int[] shape, DType dtype = DType.Float32, bool requiresGrad = false)
        => Full(shape, 1.0, dtype, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/> (torch.full).</summary>
    /// <exception cref="ArgumentException">A size in <paramref name="shape"/> is negative.</exception>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        var t = Zeros(shape, dtype);
        t.FillInPlace(value);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>A zero-dimensional tensor holding one value.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, bool requiresGrad = false)
        => Full([], value, dtype, requiresGrad);

    /// <summary>Zeros of <paramref name="t"/>'s shape and dtype, not requiring grad (torch.zeros_like).</summary>
    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.DType);

    /// <summary>Ones of <paramref name="t"/>'s shape and dtype, not requiring grad (torch.ones_like).</summary>
    public static Tensor OnesLike(Tensor t) => Ones(t.Shape, t.DType);

    /// <summary>Copies <paramref name="data"/> into a Float32 tensor of <paramref name="shape"/> (default: 1-D).</summary>
    public static Tensor FromArray(float[] data, int[]? shape = null, bool requiresGrad = false)
        => new((float[])data.Clone(), CheckData(data.Length, shape)) { RequiresGrad = requiresGrad };

    /// <summary>Copies <paramref name="data"/> into a Float64 tensor of <paramref name="shape"/> (default: 1-D).</summary>
    public static Tensor FromArray(double[] data, int[]? shape = null, bool requiresGrad = false)
        => new((double[])data.Clone(), CheckData(data.Length, shape)) { RequiresGrad = requiresGrad };

    /// <summary>A Float64 matrix from a rectangular array.</summary>
    public static Tensor FromArray(double[,] data, bool requiresGrad = false)
    {
        var flat = new double[data.Length];
        Buffer.BlockCopy(data, 0, flat, 0, data.Length * sizeof(double));
        return new Tensor(flat, [data.GetLength(0), data.GetLength(1)]) { RequiresGrad = requiresGrad };
    }

    /// <summary>A Float32 matrix from a rectangular array.</summary>
    public static Tensor FromArray(float[,] data, bool requiresGrad = false)
    {
        var flat = new float[data.Length];
        Buffer.BlockCopy(data, 0, flat, 0, data.Length * sizeof(float));
        return new Tensor(flat, [data.GetLength(0), data.GetLength(1)]) { RequiresGrad = requiresGrad };
    }

    /// <summary>Wraps an array without copying (library-internal: the caller gives up the array).</summary>
    internal static Tensor Wrap(Array data, int[] shape) => new(data, CheckData(data.Length, shape));

    /// <summary>1-D tensor start, start + step, … up to but excluding end (torch.arange).</summary>
    /// <exception cref="ArgumentException"><paramref name="step"/> is zero or NaN.</exception>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0 || double.IsNaN(step)) throw new ArgumentException($"step must be non-zero, got {step}", nameof(step));
        int n = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        var t = Zeros([n], dtype);
        for (int i = 0; i < n; i++) t.SetFlat(i, start + i * step);
        return t;
    }

    /// <summary>1-D tensor 0, 1, …, end − 1 (torch.arange(end)).</summary>
    public static Tensor Arange(double end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive (like numpy.linspace).</summary>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), $"steps must be >= 0, got {steps}");
        var t = Zeros([steps], dtype);
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        for (int i = 0; i < steps; i++) t.SetFlat(i, i == steps - 1 && steps > 1 ? end : start + i * step);
        return t;
    }

    /// <summary>Identity-like [n, m] matrix (m defaults to n) with ones on the main diagonal (torch.eye).</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var t = Zeros([n, cols], dtype);
        for (int i = 0; i < Math.Min(n, cols); i++) t.SetFlat(i * cols + i, 1);
        return t;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public static Tensor Rand(int[] shape, Generator? generator = null, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        var g = generator ?? Generator.Default;
        var t = Zeros(shape, dtype);
        FillUniform(t, 0, 1, g);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>Uniform in [low, high).</summary>
    public static Tensor Uniform(int[] shape, double low, double high, Generator? generator = null, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        if (!(low <= high)) throw new ArgumentException($"low must be <= high, got low={low}, high={high}", nameof(low));
        var g = generator ?? Generator.Default;
        var t = Zeros(shape, dtype);
        FillUniform(t, low, high, g);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>Draws one double per element; a Float32 draw that rounds up to <paramref name="high"/> is moved just below it, keeping [low, high).</summary>
    private static void FillUniform(Tensor t, double low, double high, Generator g)
    {
        if (t.Storage is double[] d)
        {
            for (int i = 0; i < d.Length; i++) d[i] = low + (high - low) * g.NextDouble();
            return;
        }
        var f = (float[])t.Storage;
        float top = (float)high;
        for (int i = 0; i < f.Length; i++)
        {
            float v = (float)(low + (high - low) * g.NextDouble());
            f[i] = v >= top && high > low ? MathF.BitDecrement(top) : v;
        }
    }

    /// <summary>Standard normal.</summary>
    public static Tensor Randn(int[] shape, Generator? generator = null, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        var g = generator ?? Generator.Default;
        var t = Zeros(shape, dtype);
        if (t.Storage is double[] d) for (int i = 0; i < d.Length; i++) d[i] = g.NextNormal();
        else { var f = (float[])t.Storage; for (int i = 0; i < f.Length; i++) f[i] = (float)g.NextNormal(); }
        t.RequiresGrad = requiresGrad;
        return t;
    }

    private static int[] CheckShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"shape must have non-negative sizes, got {ShapeUtil.Format(shape)}", nameof(shape));
        return shape;
    }

    private static int[] CheckData(int length, int[]? shape)
    {
        if (shape is null) return [length];
        CheckShape(shape);
        int n = ShapeUtil.Numel(shape);
        if (n != length) throw new ArgumentException($"data has {length} elements but shape {ShapeUtil.Format(shape)} needs {n}", nameof(shape));
        return (int[])shape.Clone();
    }

    /// <summary>Sets element <paramref name="i"/> of a contiguous tensor.</summary>
    internal void SetFlat(int i, double value)
    {
        if (Storage is float[] f) f[Offset + i] = (float)value;
        else ((double[])Storage)[Offset + i] = value;
    }

    internal double GetFlat(int i) => Storage is float[] f ? f[Offset + i] : ((double[])Storage)[Offset + i];

    /// <summary>Fills every element in place (no autograd).</summary>
    public Tensor FillInPlace(double value)
    {
        if (IsContiguous)
        {
            if (Storage is float[] f) f.AsSpan(Offset, Numel).Fill((float)value);
            else ((double[])Storage).AsSpan(Offset, Numel).Fill(value);
            return this;
        }
        var ones = Full(Shape, value, DType);
        CopyFrom(ones);
        return this;
    }
}
