using System.Numerics;
using Overfit.Autograd;

namespace Overfit.Tensors;

/// <summary>
/// An n-dimensional array of Float32 or Float64 with reverse-mode autograd.
/// Data live in a managed array (no disposal); a tensor is a view (offset + strides) over it,
/// so reshape, transpose, permute and slicing are cheap.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>The backing array; replaced by an empty one when <see cref="Dispose"/> recycles it.</summary>
    internal Array Storage;
    internal readonly int Offset;
    private readonly int[] _shape;
    private readonly int[] _strides;
    private bool _requiresGrad;

    internal Tensor(Array storage, int offset, int[] shape, int[] strides)
    {
        Storage = storage;
        Offset = offset;
        _shape = shape;
        _strides = strides;
        DType = storage is float[] ? DType.Float32 : storage is double[] ? DType.Float64
            : throw new ArgumentException($"storage must be float[] or double[], got {storage.GetType().Name}", nameof(storage));
        Numel = ShapeUtil.Numel(shape);
    }

    internal Tensor(Array storage, int[] shape) : this(storage, 0, shape, ShapeUtil.ContiguousStrides(shape)) { }

    /// <summary>Element type: Float32 or Float64.</summary>
    public DType DType { get; }

    /// <summary>Number of elements (product of the shape; 1 for a 0-d tensor).</summary>
    public int Numel { get; }

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => _shape.Length;

    /// <summary>A copy of the shape.</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>A copy of the strides, in elements.</summary>
    public int[] Strides => (int[])_strides.Clone();

    internal ReadOnlySpan<int> ShapeSpan => _shape;

    internal ReadOnlySpan<int> StrideSpan => _strides;

    /// <summary>Size along <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => _shape[ShapeUtil.NormalizeDim(dim, Rank, "Size")];

    /// <summary>True when elements are laid out row-major without gaps, so the data is one span.</summary>
    public bool IsContiguous
    {
        get
        {
            if (Numel == 0) return true; // nothing to lay out, whatever the strides say
            int expected = 1;
            for (int i = _shape.Length - 1; i >= 0; i--)
            {
                if (_shape[i] == 1) continue;
                if (_strides[i] != expected) return false;
                expected *= _shape[i];
            }
            return true;
        }
    }

    /// <summary>Whether gradients flow into this tensor. Only leaves may be changed by the user.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (GradFn is not null && !value)
                throw new InvalidOperationException("RequiresGrad can only be cleared on a leaf tensor; use Detach() for a non-leaf");
            _requiresGrad = value;
        }
    }

    /// <summary>Accumulated gradient of a leaf after <see cref="Backward"/>.</summary>
    public Tensor? Grad { get; set; }

    internal Node? GradFn { get; set; }

    /// <summary>True when the tensor was created by the user rather than by a differentiable op.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>Name of the op that produced this tensor (null for leaves).</summary>
    public string? GradFnName => GradFn?.Name;

    /// <summary>The contiguous data as a span. Throws when the tensor is a non-contiguous view or of another dtype.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        ThrowIfDisposed();
        if (!IsContiguous) throw new InvalidOperationException($"AsSpan needs a contiguous tensor; this one has shape {ShapeUtil.Format(_shape)} and strides {ShapeUtil.Format(_strides)}: call Contiguous() first");
        if (Storage is not T[] arr) throw new InvalidOperationException($"AsSpan<{typeof(T).Name}> on a {DType.Name()} tensor");
        return arr.AsSpan(Offset, Numel);
    }

    /// <summary>The single value of a one-element tensor, as double.</summary>
    public double Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item() needs a tensor with one element; this one has shape {ShapeUtil.Format(_shape)}");
        return Storage is float[] f ? f[Offset] : ((double[])Storage)[Offset];
    }

    /// <summary>The element at a full index, as double.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public double this[params int[] index]
    {
        get
        {
            int off = ElementOffset(index);
            return Storage is float[] f ? f[off] : ((double[])Storage)[off];
        }
    }

    private int ElementOffset(int[] index)
    {
        if (index.Length != Rank) throw new ArgumentException($"index has {index.Length} coordinates but the tensor has rank {Rank}", nameof(index));
        int off = Offset;
        for (int i = 0; i < index.Length; i++)
        {
            int ix = index[i] < 0 ? index[i] + _shape[i] : index[i];
            if ((uint)ix >= (uint)_shape[i]) throw new IndexOutOfRangeException($"index {index[i]} is out of range for dimension {i} of size {_shape[i]}");
            off += ix * _strides[i];
        }
        return off;
    }

    /// <summary>Row-major copy of the elements converted to <typeparamref name="T"/> (float or double).</summary>
    public T[] ToArray<T>() where T : unmanaged, INumberBase<T>
    {
        var c = Contiguous();
        var result = new T[Numel];
        if (c.Storage is T[] same) { Array.Copy(same, c.Offset, result, 0, Numel); return result; }
        if (c.Storage is float[] f) for (int i = 0; i < Numel; i++) result[i] = T.CreateTruncating(f[c.Offset + i]);
        else { var d = (double[])c.Storage; for (int i = 0; i < Numel; i++) result[i] = T.CreateTruncating(d[c.Offset + i]); }
        return result;
    }

    /// <summary>Copies the elements in row-major order into a new float array (converting from Float64 if needed).</summary>
    public float[] ToFloatArray() => ToArray<float>();

    /// <summary>Copies the elements in row-major order into a new double array (converting from Float32 if needed).</summary>
    public double[] ToDoubleArray() => ToArray<double>();

    /// <summary>A 2-D tensor as a rectangular array of doubles.</summary>
    public double[,] ToMatrix()
    {
        if (Rank != 2) throw new InvalidOperationException($"ToMatrix needs a 2-D tensor; this one has shape {ShapeUtil.Format(_shape)}");
        var flat = ToDoubleArray();
        var m = new double[_shape[0], _shape[1]];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }

    internal T[] Data<T>() => (T[])Storage;

    internal static void CheckSameDType(Tensor a, Tensor b, string op)
    {
        if (a.DType != b.DType)
            throw new ArgumentException($"{op}: dtype mismatch, {a.DType.Name()} and {b.DType.Name()}; convert one with To(DType)");
    }
}
