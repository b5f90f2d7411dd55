using System.Numerics;
using Overfit.Tensors.Kernels;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Max/min with indices, argmax, logsumexp, softmax and log-softmax along one dim.</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// Largest element of the whole tensor (0-d); NaN if any element is NaN. The gradient goes to the first
    /// largest element (PyTorch splits it evenly among ties; the two agree whenever the maximum is unique).
    /// </summary>
    public Tensor Max() => IsContiguous && Numel > 0 ? ExtremeOfAll(max: true) : Flatten().Max(0).Values;

    /// <summary>Smallest element of the whole tensor (0-d); NaN if any element is NaN. The gradient goes to the first smallest element.</summary>
    public Tensor Min() => IsContiguous && Numel > 0 ? ExtremeOfAll(max: false) : Flatten().Min(0).Values;

    /// <summary>
    /// Max or min of a contiguous tensor. The value comes from a plain SIMD max/min per chunk (about half
    /// the time of an arg-max); where the first winning element matters (the gradient, or a zero maximum, whose
    /// sign is that of the first zero as in PyTorch), <see cref="ArgExtremeOfAll"/> finds it.
    /// </summary>
    private Tensor ExtremeOfAll(bool max)
    {
        int n = Numel, pieces = KernelThreads.Pieces(n), chunks = KernelThreads.Chunks(n, pieces);
        var value = new double[chunks];
        KernelThreads.ForChunks(n, pieces, (chunk, from, len) =>
            value[chunk] = DType == DType.Float32 ? Extremes.Of(AsSpan<float>().Slice(from, len), max) : Extremes.Of(AsSpan<double>().Slice(from, len), max));
        double best = value[0];
        for (int p = 1; p < chunks; p++)
            if (double.IsNaN(value[p]) || (!double.IsNaN(best) && (max ? value[p] > best : value[p] < best))) best = value[p];
        if (best == 0) best = ArgExtremeOfAll(max).Value; // −0 or +0: the first zero's sign
        var r = Scalar(best, DType);
        var x = this;
        var shape = _shape;
        return Record(r, max ? "Max" : "Min", [x], g =>
        {
            // The gradient goes to the first winning element, as for Max(dim).
            int at = x.ArgExtremeOfAll(max).Index;
            var grad = Zeros(shape, g.DType);
            if (g.DType == DType.Float32) grad.AsSpan<float>()[at] = (float)g.Item();
            else grad.AsSpan<double>()[at] = g.Item();
            return [grad];
        });
    }

    /// <summary>Flat index and value of the first largest (smallest) element: one row kernel per chunk, then the first winner among the chunks.</summary>
    private (int Index, double Value) ArgExtremeOfAll(bool max)
    {
        int n = Numel, pieces = KernelThreads.Pieces(n), chunks = KernelThreads.Chunks(n, pieces);
        var index = new int[chunks];
        var value = new double[chunks];
        float[]? f32 = DType == DType.Float32 ? new float[chunks] : null;
        double[]? f64 = f32 is null ? new double[chunks] : null;
        KernelThreads.ForChunks(n, pieces, (p, from, len) =>
        {
            if (f32 is not null) RowKernels.ArgExtreme<float>(AsSpan<float>().Slice(from, len), 1, len, max, index.AsSpan(p, 1), f32.AsSpan(p, 1));
            else RowKernels.ArgExtreme<double>(AsSpan<double>().Slice(from, len), 1, len, max, index.AsSpan(p, 1), f64.AsSpan(p, 1));
            value[p] = f32 is not null ? f32[p] : f64![p];
            index[p] += from;
        });
        // Chunks in order: the first NaN wins, else the first strictly better value (ties keep the earlier chunk).
        int best = 0;
        for (int p = 1; p < chunks; p++)
        {
            if (double.IsNaN(value[best])) continue;
            if (double.IsNaN(value[p]) || (max ? value[p] > value[best] : value[p] < value[best])) best = p;
        }
        return (index[best], value[best]);
    }

    /// <summary>Largest values along <paramref name="dim"/> and their first indices (NaN wins, like PyTorch).</summary>
    public (Tensor Values, int[] Indices) Max(int dim, bool keepDim = false) => Extreme(dim, keepDim, max: true);

    /// <summary>Smallest values along <paramref name="dim"/> and their first indices (NaN wins, like torch.min(dim)).</summary>
    public (Tensor Values, int[] Indices) Min(int dim, bool keepDim = false) => Extreme(dim, keepDim, max: false);

    /// <summary>Index of the largest value along <paramref name="dim"/>, as an int array in row-major order of the other dims.</summary>
    public int[] ArgMax(int dim) => Extreme(dim, false, max: true).Indices;

    /// <summary>Index of the smallest value along <paramref name="dim"/>, as an int array in row-major order of the other dims.</summary>
    public int[] ArgMin(int dim) => Extreme(dim, false, max: false).Indices;

    /// <summary>Index of the largest value along <paramref name="dim"/> as a Float64 tensor of the kept shape (keepDim keeps a size-1 dim).</summary>
    public Tensor ArgMax(int dim, bool keepDim) => IndicesTensor(Extreme(dim, keepDim, max: true));

    /// <summary>Index of the smallest value along <paramref name="dim"/> as a Float64 tensor of the kept shape (keepDim keeps a size-1 dim).</summary>
    public Tensor ArgMin(int dim, bool keepDim) => IndicesTensor(Extreme(dim, keepDim, max: false));

    private static Tensor IndicesTensor((Tensor Values, int[] Indices) e)
        => new(Array.ConvertAll(e.Indices, i => (double)i), e.Values.Shape);

    private (Tensor Values, int[] Indices) Extreme(int dim, bool keepDim, bool max)
    {
        string op = max ? "Max" : "Min";
        if (Rank == 0) return (this, [0]);
        int d = ShapeUtil.NormalizeDim(dim, Rank, op);
        int len = _shape[d];
        if (len == 0) throw new ArgumentException($"{op}: cannot reduce over dimension {d} of size 0 in shape {ShapeUtil.Format(_shape)}", nameof(dim));
        var (_, keepShape, outShape) = ReducePlan([d], op);
        int rows = Numel / len;
        var indices = new int[rows];
        var vals = Empty(keepShape, DType);
        if (d == 0 && Rank > 1 && IsContiguous)
        {
            // Leading dim of a contiguous tensor: sweep the rows once instead of transposing.
            if (DType == DType.Float32) RowKernels.ArgExtremeLeading(AsSpan<float>(), len, rows, max, indices, vals.AsSpan<float>());
            else RowKernels.ArgExtremeLeading(AsSpan<double>(), len, rows, max, indices, vals.AsSpan<double>());
        }
        else
        {
            var moved = MoveDimLast(d);
            if (DType == DType.Float32) RowKernels.ArgExtreme(moved.AsSpan<float>(), rows, len, max, indices, vals.AsSpan<float>());
            else RowKernels.ArgExtreme(moved.AsSpan<double>(), rows, len, max, indices, vals.AsSpan<double>());
        }
        var shape = _shape;
        var result = Record(vals.Reshape(keepDim ? keepShape : outShape).Detach(), op, [this], g =>
        {
            // Scatter g to the winning positions of a [rows, len] block laid out with dim d last, then move d back.
            var grad = Zeros([rows, len], g.DType);
            if (IsCreatingGraph)
            {
                // The same scatter as a product of g with a constant one-hot mask of the winners.
                var ones = OnesLike(g).Contiguous();
                if (g.DType == DType.Float32) ScatterRows(ones.AsSpan<float>(), indices, len, grad.AsSpan<float>());
                else ScatterRows(ones.AsSpan<double>(), indices, len, grad.AsSpan<double>());
                return [MoveLastDimBack(grad, shape, d).Mul(g.Reshape(keepShape))];
            }
            var gc = g.Detach().Contiguous();
            if (g.DType == DType.Float32) ScatterRows(gc.AsSpan<float>(), indices, len, grad.AsSpan<float>());
            else ScatterRows(gc.AsSpan<double>(), indices, len, grad.AsSpan<double>());
            return [MoveLastDimBack(grad, shape, d)];
        });
        return (result, indices);
    }

    private static void ScatterRows<T>(ReadOnlySpan<T> g, int[] indices, int len, Span<T> dst)
    {
        for (int r = 0; r < indices.Length; r++) dst[r * len + indices[r]] = g[r];
    }

    /// <summary>A contiguous copy with dimension <paramref name="d"/> moved last (no copy when it already is last and the data contiguous); no autograd.</summary>
    internal Tensor MoveDimLast(int d)
    {
        if (d == Rank - 1) return ContiguousData();
        var src = Detach();
        var perm = new int[Rank];
        for (int i = 0, k = 0; i < Rank; i++) if (i != d) perm[k++] = i;
        perm[Rank - 1] = d;
        return src.Permute(perm).Contiguous();
    }

    /// <summary>Inverse of <see cref="MoveDimLast"/>: reads a contiguous block laid out with dim d last as <paramref name="shape"/>.</summary>
    internal static Tensor MoveLastDimBack(Tensor block, int[] shape, int d)
    {
        int rank = shape.Length;
        var movedShape = new int[rank];
        for (int i = 0, k = 0; i < rank; i++) if (i != d) movedShape[k++] = shape[i];
        movedShape[rank - 1] = shape[d];
        // With d already last the block is the answer; returned as is, it stays the owner of its storage.
        if (d == rank - 1 && ShapeUtil.SameShape(block.ShapeSpan, movedShape)) return block;
        var moved = block.Detach().Reshape(movedShape);
        if (d == rank - 1) return moved;
        var inverse = new int[rank];
        for (int i = 0; i < rank; i++) inverse[i] = i < d ? i : i == d ? rank - 1 : i - 1;
        return moved.Permute(inverse).Contiguous();
    }

    /// <summary>log Σ exp along <paramref name="dim"/>, shifted by the max for stability; gradient g · softmax.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank, "LogSumExp");
        if (Rank == 0) return Record(Detach().Clone(), "LogSumExp", [this], g => [g]);
        var (_, keepShape, outShape) = ReducePlan([d], "LogSumExp");
        int len = _shape[d], rows = Numel / Math.Max(len, 1);
        if (len == 0) rows = ShapeUtil.Numel(keepShape);
        var moved = MoveDimLast(d);
        // Written straight in the output's shape, so the caller gets the buffer's owner (and may dispose it).
        var r = Uninitialized(keepDim ? keepShape : outShape, DType);
        RowKernels.ForRows(rows, len, (r0, count) =>
        {
            if (DType == DType.Float32) RowKernels.LogSumExp(moved.AsSpan<float>().Slice(r0 * len, count * len), count, len, r.AsSpan<float>().Slice(r0, count));
            else RowKernels.LogSumExp(moved.AsSpan<double>().Slice(r0 * len, count * len), count, len, r.AsSpan<double>().Slice(r0, count));
        });
        var x = this;
        return Record(r, "LogSumExp", [x], g =>
            [IsCreatingGraph ? x.Softmax(d).Mul(g.Reshape(keepShape)) : x.Detach().Sub(r.Detach().Reshape(keepShape)).Exp().Mul(g.Reshape(keepShape))]);
    }

    /// <summary>Softmax along <paramref name="dim"/>; gradient y ⊙ (g − Σ g y).</summary>
    public Tensor Softmax(int dim) => SoftmaxFamily(dim, log: false);

    /// <summary>log softmax along <paramref name="dim"/>; gradient g − softmax · Σ g.</summary>
    public Tensor LogSoftmax(int dim) => SoftmaxFamily(dim, log: true);

    private Tensor SoftmaxFamily(int dim, bool log)
    {
        string op = log ? "LogSoftmax" : "Softmax";
        int d = ShapeUtil.NormalizeDim(dim, Rank, op);
        if (Rank == 0) return Record(log ? ZerosLike(this) : OnesLike(this), op, [this], g => [ZerosLike(g)]);
        int len = _shape[d], rows = len == 0 ? 0 : Numel / len;
        var moved = MoveDimLast(d);
        var y = Uninitialized(moved.Shape, DType);
        RowKernels.ForRows(rows, len, (r0, count) =>
        {
            int from = r0 * len, n = count * len;
            if (DType == DType.Float32)
            {
                if (log) RowKernels.LogSoftmax(moved.AsSpan<float>().Slice(from, n), count, len, y.AsSpan<float>().Slice(from, n));
                else RowKernels.Softmax(moved.AsSpan<float>().Slice(from, n), count, len, y.AsSpan<float>().Slice(from, n));
            }
            else
            {
                if (log) RowKernels.LogSoftmax(moved.AsSpan<double>().Slice(from, n), count, len, y.AsSpan<double>().Slice(from, n));
                else RowKernels.Softmax(moved.AsSpan<double>().Slice(from, n), count, len, y.AsSpan<double>().Slice(from, n));
            }
        });
        var shape = _shape;
        Tensor? output = null;
        output = Record(MoveLastDimBack(y, shape, d), op, [this], g =>
        {
            // createGraph: the same rule from recorded ops on the recorded output.
            if (IsCreatingGraph)
                return [log ? g.Sub(output!.Exp().Mul(g.Sum(d, keepDim: true))) : output!.Mul(g.Sub(g.Mul(output!).Sum(d, keepDim: true)))];
            var gm = g.MoveDimLast(d);
            var dx = Uninitialized(gm.Shape, g.DType);
            if (g.DType == DType.Float32) SoftmaxBackward<float>(y, gm, rows, len, dx, log);
            else SoftmaxBackward<double>(y, gm, rows, len, dx, log);
            return [MoveLastDimBack(dx, shape, d)];
        });
        return output;
    }

    private static void SoftmaxBackward<T>(Tensor y, Tensor g, int rows, int len, Tensor dx, bool log) where T : unmanaged, IFloatingPointIeee754<T>
        => RowKernels.ForRows(rows, len, (r0, count) =>
        {
            int from = r0 * len, n = count * len;
            if (log) RowKernels.LogSoftmaxBackward(y.AsSpan<T>().Slice(from, n), g.AsSpan<T>().Slice(from, n), count, len, dx.AsSpan<T>().Slice(from, n));
            else RowKernels.SoftmaxBackward(y.AsSpan<T>().Slice(from, n), g.AsSpan<T>().Slice(from, n), count, len, dx.AsSpan<T>().Slice(from, n));
        });
}
