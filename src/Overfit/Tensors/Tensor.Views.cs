using Overfit.Autograd;
using Overfit.Tensors.Kernels;

namespace Overfit.Tensors;

public sealed partial class Tensor
{
    /// <summary>This tensor when already contiguous, otherwise a contiguous copy (differentiable).</summary>
    public Tensor Contiguous()
    {
        if (IsContiguous) return this;
        var result = Uninitialized(_shape, DType);
        if (Storage is float[] f) Strided.Gather(f, Offset, _shape, _strides, result.AsSpan<float>());
        else Strided.Gather((double[])Storage, Offset, _shape, _strides, result.AsSpan<double>());
        return Autograd.Autograd.Record(result, "Contiguous", [this], g => [g]);
    }

    /// <summary>A new tensor with its own copy of the data (differentiable).</summary>
    public Tensor Clone()
    {
        var result = Uninitialized(_shape, DType);
        result.CopyFromUnchecked(this);
        return Autograd.Autograd.Record(result, "Clone", [this], g => [g]);
    }

    /// <summary>The same data cut off from the graph.</summary>
    public Tensor Detach() => ViewOf(Offset, _shape, _strides);

    /// <summary>Copies <paramref name="src"/> (broadcast to this shape) into this tensor's elements, in place, outside autograd.</summary>
    public Tensor CopyFrom(Tensor src)
    {
        CheckSameDType(this, src, "CopyFrom");
        var b = src.BroadcastTo(_shape).Detach();
        CopyFromUnchecked(b);
        return this;
    }

    private void CopyFromUnchecked(Tensor src)
    {
        var c = src.Detach().Contiguous();
        if (Storage is float[] f) Strided.Scatter<float>(c.AsSpan<float>(), f, Offset, _shape, _strides);
        else Strided.Scatter<double>(c.AsSpan<double>(), (double[])Storage, Offset, _shape, _strides);
    }

    /// <summary>Converts to another dtype (differentiable; a no-op when the dtype already matches).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        Array data = dtype == DType.Float32 ? ToArray<float>() : ToArray<double>();
        var result = new Tensor(data, (int[])_shape.Clone());
        var from = DType;
        return Autograd.Autograd.Record(result, "To", [this], g => [g.To(from)]);
    }

    /// <summary>Reshape; one dimension may be -1. A view when the data is contiguous, a copy otherwise.</summary>
    public Tensor Reshape(params int[] shape)
    {
        var target = InferShape(shape);
        var src = Contiguous();
        var view = src.ViewOf(src.Offset, target, ShapeUtil.ContiguousStrides(target));
        var original = _shape;
        return Autograd.Autograd.Record(view, "Reshape", [src], g => [g.Reshape(original)]);
    }

    /// <summary>Alias of <see cref="Reshape"/>: a view when contiguous, a copy otherwise (torch.view would refuse the copy).</summary>
    public Tensor View(params int[] shape) => Reshape(shape);

    /// <summary>Collapses dims startDim..endDim into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = ShapeUtil.NormalizeDim(startDim, Rank, "Flatten"), e = ShapeUtil.NormalizeDim(endDim, Rank, "Flatten");
        if (s > e) throw new ArgumentException($"Flatten: startDim {startDim} comes after endDim {endDim}");
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(_shape[i]);
        int prod = 1;
        for (int i = s; i <= e; i++) prod *= _shape[i];
        shape.Add(prod);
        for (int i = e + 1; i < Rank; i++) shape.Add(_shape[i]);
        return Reshape([.. shape]);
    }

    private int[] InferShape(int[] shape)
    {
        int unknown = -1, known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (unknown >= 0) throw new ArgumentException($"Reshape: only one dimension may be -1, got {ShapeUtil.Format(shape)}", nameof(shape));
                unknown = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"Reshape: invalid size {shape[i]} in {ShapeUtil.Format(shape)}", nameof(shape));
            else known *= shape[i];
        }
        var result = (int[])shape.Clone();
        if (unknown >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw new ArgumentException($"Reshape: cannot reshape {ShapeUtil.Format(_shape)} ({Numel} elements) into {ShapeUtil.Format(shape)}", nameof(shape));
            result[unknown] = Numel / known;
        }
        else if (known != Numel)
            throw new ArgumentException($"Reshape: cannot reshape {ShapeUtil.Format(_shape)} ({Numel} elements) into {ShapeUtil.Format(shape)} ({known} elements)", nameof(shape));
        return result;
    }

    /// <summary>Reorders the dimensions (a view).</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Rank) throw new ArgumentException($"Permute: expected {Rank} dims for shape {ShapeUtil.Format(_shape)}, got {ShapeUtil.Format(dims)}", nameof(dims));
        var seen = new bool[Rank];
        var shape = new int[Rank];
        var strides = new int[Rank];
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = ShapeUtil.NormalizeDim(dims[i], Rank, "Permute");
            if (seen[d]) throw new ArgumentException($"Permute: dimension {d} repeated in {ShapeUtil.Format(dims)}", nameof(dims));
            seen[d] = true;
            shape[i] = _shape[d];
            strides[i] = _strides[d];
            inverse[d] = i;
        }
        var view = ViewOf(Offset, shape, strides);
        return Autograd.Autograd.Record(view, "Permute", [this], g => [g.Permute(inverse)]);
    }

    /// <summary>Swaps two dimensions (a view).</summary>
    public Tensor Transpose(int dim0 = -2, int dim1 = -1)
    {
        int a = ShapeUtil.NormalizeDim(dim0, Rank, "Transpose"), b = ShapeUtil.NormalizeDim(dim1, Rank, "Transpose");
        var perm = new int[Rank];
        for (int i = 0; i < Rank; i++) perm[i] = i;
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    /// <summary>The transpose of a matrix.</summary>
    public Tensor T => Rank < 2 ? this : Transpose(-2, -1);

    /// <summary>Elements start, start+step, ... below end along <paramref name="dim"/> (a view; negative start/end count from the end).</summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank, "Slice");
        if (step <= 0) throw new ArgumentException($"Slice: step must be positive, got {step}", nameof(step));
        int size = _shape[d];
        int s = Math.Clamp(start < 0 ? start + size : start, 0, size);
        int e = Math.Clamp(end < 0 ? end + size : end, 0, size);
        int len = Math.Max(0, (e - s + step - 1) / step);
        var shape = (int[])_shape.Clone();
        var strides = (int[])_strides.Clone();
        shape[d] = len;
        strides[d] = _strides[d] * step;
        var view = ViewOf(Offset + s * _strides[d], shape, strides);
        var inputShape = _shape;
        var dtype = DType;
        return Autograd.Autograd.Record(view, "Slice", [this], g =>
        {
            if (Autograd.Autograd.IsCreatingGraph)
                return [g.ScatterAddFlat(FlatOffsets(inputShape, t => t.Slice(d, s, e, step)), inputShape)];
            var full = Zeros(inputShape, dtype);
            full.Slice(d, s, e, step).CopyFrom(g);
            return [full];
        });
    }

    /// <summary>Elements start..start+length-1 along <paramref name="dim"/> (a view).</summary>
    public Tensor Narrow(int dim, int start, int length) => Slice(dim, start, start + length);

    /// <summary>Drops dimension <paramref name="dim"/> at <paramref name="index"/> (a view).</summary>
    public Tensor Select(int dim, int index)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank, "Select");
        int ix = index < 0 ? index + _shape[d] : index;
        if ((uint)ix >= (uint)_shape[d]) throw new IndexOutOfRangeException($"Select: index {index} is out of range for dimension {d} of size {_shape[d]}");
        var shape = new List<int>(_shape);
        shape.RemoveAt(d);
        return Slice(d, ix, ix + 1).Reshape([.. shape]);
    }

    /// <summary>Inserts a dimension of size 1.</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank + 1, "Unsqueeze");
        var shape = new List<int>(_shape);
        shape.Insert(d, 1);
        return Reshape([.. shape]);
    }

    /// <summary>Removes size-1 dimensions (all of them, or only <paramref name="dim"/>).</summary>
    public Tensor Squeeze(int? dim = null)
    {
        var shape = new List<int>();
        int only = dim is int dd ? ShapeUtil.NormalizeDim(dd, Rank, "Squeeze") : -1;
        for (int i = 0; i < Rank; i++)
            if (_shape[i] != 1 || (only >= 0 && i != only)) shape.Add(_shape[i]);
        return Reshape([.. shape]);
    }

    /// <summary>Broadcasts to <paramref name="shape"/> without copying (stride 0 on expanded dims).</summary>
    public Tensor BroadcastTo(params int[] shape)
    {
        if (ShapeUtil.SameShape(_shape, shape)) return this;
        var target = ShapeUtil.Broadcast(_shape, shape, "BroadcastTo");
        if (!ShapeUtil.SameShape(target, shape))
            throw new ArgumentException($"BroadcastTo: shape {ShapeUtil.Format(_shape)} cannot be broadcast to {ShapeUtil.Format(shape)}");
        var view = ViewOf(Offset, (int[])shape.Clone(), ShapeUtil.BroadcastStrides(_shape, _strides, shape));
        var original = _shape;
        return Autograd.Autograd.Record(view, "BroadcastTo", [this], g => [g.SumToShape(original)]);
    }

    /// <summary>Alias of <see cref="BroadcastTo"/> (torch.Tensor.expand): no copy, stride 0 on expanded dims.</summary>
    public Tensor Expand(params int[] shape) => BroadcastTo(shape);

    /// <summary>Sums a broadcast gradient back down to <paramref name="shape"/>.</summary>
    internal Tensor SumToShape(ReadOnlySpan<int> shape)
    {
        if (ShapeUtil.SameShape(_shape, shape)) return this;
        int lead = Rank - shape.Length;
        var dims = new List<int>();
        for (int i = 0; i < Rank; i++)
            if (i < lead || (shape[i - lead] == 1 && _shape[i] != 1)) dims.Add(i);
        var summed = dims.Count > 0 ? Sum([.. dims], keepDim: true) : this;
        return summed.Reshape(shape.ToArray());
    }
}
