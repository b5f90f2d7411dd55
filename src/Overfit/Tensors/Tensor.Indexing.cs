using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Joining and indexing: concat, stack, index_select, gather, one-hot.</summary>
public sealed partial class Tensor
{
    /// <summary>Joins tensors along an existing dimension.</summary>
    public static Tensor Concat(Tensor[] tensors, int dim = 0)
    {
        if (tensors is null || tensors.Length == 0) throw new ArgumentException("Concat needs at least one tensor", nameof(tensors));
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("Concat: zero-dimensional tensors have no dimension to join along; use Stack", nameof(tensors));
        int d = ShapeUtil.NormalizeDim(dim, first.Rank, "Concat");
        int total = 0;
        foreach (var t in tensors)
        {
            CheckSameDType(first, t, "Concat");
            if (t.Rank != first.Rank) throw new ArgumentException($"Concat: all tensors need rank {first.Rank}, got shape {ShapeUtil.Format(t._shape)}");
            for (int i = 0; i < t.Rank; i++)
                if (i != d && t._shape[i] != first._shape[i])
                    throw new ArgumentException($"Concat: shapes {ShapeUtil.Format(first._shape)} and {ShapeUtil.Format(t._shape)} differ outside dimension {d}");
            total += t._shape[d];
        }
        var shape = (int[])first._shape.Clone();
        shape[d] = total;
        var result = Empty(shape, first.DType);
        var starts = new int[tensors.Length];
        int at = 0;
        for (int i = 0; i < tensors.Length; i++)
        {
            starts[i] = at;
            int len = tensors[i]._shape[d];
            result.Detach().Slice(d, at, at + len).CopyFrom(tensors[i].Detach());
            at += len;
        }
        return Record(result, "Concat", tensors, g =>
        {
            var grads = new Tensor?[tensors.Length];
            for (int i = 0; i < tensors.Length; i++)
                grads[i] = tensors[i].RequiresGrad ? g.Slice(d, starts[i], starts[i] + tensors[i]._shape[d]).Contiguous() : null;
            return grads;
        });
    }

    /// <summary>Joins tensors of one shape along a new dimension.</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        if (tensors is null || tensors.Length == 0) throw new ArgumentException("Stack needs at least one tensor", nameof(tensors));
        foreach (var t in tensors)
            if (!ShapeUtil.SameShape(t._shape, tensors[0]._shape))
                throw new ArgumentException($"Stack: all tensors need the same shape, got {ShapeUtil.Format(tensors[0]._shape)} and {ShapeUtil.Format(t._shape)}");
        int d = ShapeUtil.NormalizeDim(dim, tensors[0].Rank + 1, "Stack");
        return Concat(Array.ConvertAll(tensors, t => t.Unsqueeze(d)), d);
    }

    /// <summary>Picks entries <paramref name="index"/> along <paramref name="dim"/> (rows of a matrix for dim 0).</summary>
    public Tensor IndexSelect(int dim, int[] index)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank, "IndexSelect");
        int size = _shape[d];
        foreach (var i in index)
            if ((uint)i >= (uint)size) throw new IndexOutOfRangeException($"IndexSelect: index {i} is out of range for dimension {d} of size {size}");
        var moved = Detach().Transpose(0, d).Contiguous();
        int rowLen = size == 0 ? 0 : moved.Numel / size;
        var shape = moved.Shape;
        shape[0] = index.Length;
        var r = Empty(shape, DType);
        for (int k = 0; k < index.Length; k++)
        {
            if (DType == DType.Float32) moved.AsSpan<float>().Slice(index[k] * rowLen, rowLen).CopyTo(r.AsSpan<float>().Slice(k * rowLen, rowLen));
            else moved.AsSpan<double>().Slice(index[k] * rowLen, rowLen).CopyTo(r.AsSpan<double>().Slice(k * rowLen, rowLen));
        }
        var result = r.Transpose(0, d).Contiguous();
        var inShape = _shape;
        var dtype = DType;
        return Record(result, "IndexSelect", [this], g =>
        {
            if (IsCreatingGraph) return [g.ScatterAddFlat(FlatOffsets(inShape, t => t.IndexSelect(d, index)), inShape)];
            var gm = g.Detach().Transpose(0, d).Contiguous();
            var accShape = (int[])inShape.Clone();
            (accShape[0], accShape[d]) = (accShape[d], accShape[0]);
            var acc = Zeros(accShape, dtype);
            if (dtype == DType.Float32) AddRows(gm.AsSpan<float>(), index, rowLen, acc.AsSpan<float>());
            else AddRows(gm.AsSpan<double>(), index, rowLen, acc.AsSpan<double>());
            return [acc.Transpose(0, d).Contiguous()];
        });
    }

    /// <summary>torch.gather: out[i][j] = this[i][index[i][j]] along <paramref name="dim"/> (index has the output's shape).</summary>
    public Tensor Gather(int dim, int[] index, int[] indexShape)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank, "Gather");
        if (indexShape.Length != Rank) throw new ArgumentException($"Gather: index rank {indexShape.Length} differs from input rank {Rank}");
        if (ShapeUtil.Numel(indexShape) != index.Length) throw new ArgumentException($"Gather: index has {index.Length} entries but shape {ShapeUtil.Format(indexShape)}");
        var src = Detach().Contiguous();
        var srcStrides = ShapeUtil.ContiguousStrides(_shape);
        var outStrides = ShapeUtil.ContiguousStrides(indexShape);
        var offsets = new int[index.Length];
        for (int i = 0; i < index.Length; i++)
        {
            int rem = i, off = 0;
            for (int a = 0; a < Rank; a++)
            {
                int coord = rem / outStrides[a]; rem %= outStrides[a];
                if (a == d)
                {
                    if ((uint)index[i] >= (uint)_shape[d]) throw new IndexOutOfRangeException($"Gather: index {index[i]} is out of range for dimension {d} of size {_shape[d]}");
                    coord = index[i];
                }
                else if (coord >= _shape[a]) throw new ArgumentException($"Gather: index shape {ShapeUtil.Format(indexShape)} exceeds input shape {ShapeUtil.Format(_shape)} at dimension {a}");
                off += coord * srcStrides[a];
            }
            offsets[i] = off;
        }
        var r = Empty((int[])indexShape.Clone(), DType);
        if (DType == DType.Float32) GatherAt(src.AsSpan<float>(), offsets, r.AsSpan<float>());
        else GatherAt(src.AsSpan<double>(), offsets, r.AsSpan<double>());
        var inShape = _shape;
        var dtype = DType;
        return Record(r, "Gather", [this], g =>
        {
            if (IsCreatingGraph) return [g.ScatterAddFlat(offsets, inShape)];
            var gc = g.Detach().Contiguous();
            var acc = Zeros(inShape, dtype);
            if (dtype == DType.Float32) ScatterAddAt(gc.AsSpan<float>(), offsets, acc.AsSpan<float>());
            else ScatterAddAt(gc.AsSpan<double>(), offsets, acc.AsSpan<double>());
            return [acc];
        });
    }

    /// <summary>dst row index[k] += src row k, for rows of <paramref name="rowLen"/> (SIMD per row).</summary>
    private static void AddRows<T>(ReadOnlySpan<T> src, int[] index, int rowLen, Span<T> dst) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int k = 0; k < index.Length; k++)
        {
            var row = dst.Slice(index[k] * rowLen, rowLen);
            System.Numerics.Tensors.TensorPrimitives.Add(row, src.Slice(k * rowLen, rowLen), row);
        }
    }

    private static void GatherAt<T>(ReadOnlySpan<T> src, int[] offsets, Span<T> dst)
    {
        for (int i = 0; i < offsets.Length; i++) dst[i] = src[offsets[i]];
    }

    private static void ScatterAddAt<T>(ReadOnlySpan<T> src, int[] offsets, Span<T> dst) where T : System.Numerics.INumberBase<T>
    {
        for (int i = 0; i < offsets.Length; i++) dst[offsets[i]] += src[i];
    }

    /// <summary>One-hot rows for class indices (not differentiable).</summary>
    public static Tensor OneHot(int[] labels, int numClasses, DType dtype = DType.Float32)
    {
        if (numClasses <= 0) throw new ArgumentOutOfRangeException(nameof(numClasses), $"numClasses must be positive, got {numClasses}");
        var r = Zeros([labels.Length, numClasses], dtype);
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)numClasses) throw new ArgumentOutOfRangeException(nameof(labels), $"label {labels[i]} at position {i} is outside 0..{numClasses - 1}");
            r.SetFlat(i * numClasses + labels[i], 1);
        }
        return r;
    }

    /// <summary>Squared Euclidean distances between rows: ||x_i||² + ||y_j||² − 2 x_i·y_j, clamped at 0 (differentiable).</summary>
    public static Tensor SquaredDistance(Tensor x, Tensor y)
    {
        if (x.Rank != 2 || y.Rank != 2 || x._shape[1] != y._shape[1])
            throw new ArgumentException($"SquaredDistance: expected [n, d] and [m, d], got {ShapeUtil.Format(x._shape)} and {ShapeUtil.Format(y._shape)}");
        var xx = x.Mul(x).Sum(1, keepDim: true);
        var yy = y.Mul(y).Sum(1, keepDim: true).Transpose(0, 1);
        return xx.Add(yy).Sub(x.MatMul(y.Transpose(0, 1)).Mul(2.0)).Clamp(min: 0);
    }
}
