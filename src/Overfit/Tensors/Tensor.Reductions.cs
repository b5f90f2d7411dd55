using System.Numerics;
using System.Numerics.Tensors;
using Overfit.Tensors.Kernels;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Reductions: sum, mean, var, std, max/min with indices, argmax, logsumexp, softmax.</summary>
public sealed partial class Tensor
{
    /// <summary>Sum of all elements (a 0-d tensor).</summary>
    public Tensor Sum()
    {
        var c = ContiguousData();
        int n = Numel, pieces = KernelThreads.Pieces(n);
        double s;
        if (pieces == 1) s = DType == DType.Float32 ? Summation.Sum(c.AsSpan<float>()) : Summation.Sum(c.AsSpan<double>());
        else
        {
            // One partial sum per chunk, added in a fixed order (the result does not depend on which thread ran which chunk).
            var partial = new double[KernelThreads.Chunks(n, pieces)];
            KernelThreads.ForChunks(n, pieces, (chunk, from, count) =>
                partial[chunk] = DType == DType.Float32 ? Summation.Sum(c.AsSpan<float>().Slice(from, count)) : Summation.Sum(c.AsSpan<double>().Slice(from, count)));
            s = 0;
            foreach (var v in partial) s += v;
        }
        var r = Scalar(s, DType);
        var shape = _shape;
        return Record(r, "Sum", [this], g => [g.BroadcastTo(shape)]);
    }

    /// <summary>Sum over one dimension (torch.sum(dim)); negative dims count from the end.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum over <paramref name="dims"/>.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        var (reduced, keepShape, outShape) = ReducePlan(dims, "Sum");
        // Written straight in the output's shape, so the caller gets the buffer's owner (and may dispose it).
        var r = SumKeep(reduced, keepDim ? keepShape : outShape);
        var shape = _shape;
        return Record(r, "Sum", [this], g => [g.Reshape(keepShape).BroadcastTo(shape)]);
    }

    /// <summary>Mean of all elements as a 0-d tensor (torch.mean).</summary>
    public Tensor Mean() => Sum().Div(Math.Max(Numel, 1) == 0 ? 1 : Numel);

    /// <summary>Mean over one dimension (torch.mean(dim)).</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>Mean over <paramref name="dims"/> (torch.mean(dims)).</summary>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        var (reduced, _, _) = ReducePlan(dims, "Mean");
        int count = 1;
        for (int d = 0; d < Rank; d++) if (reduced[d]) count *= _shape[d];
        return Sum(dims, keepDim).Div(count);
    }

    /// <summary>Variance over <paramref name="dims"/> (all when null); unbiased divides by n-1 (PyTorch's default).</summary>
    public Tensor Var(int[]? dims = null, bool unbiased = true, bool keepDim = false)
    {
        dims ??= AllDims();
        var (reduced, _, _) = ReducePlan(dims, "Var");
        int count = 1;
        for (int d = 0; d < Rank; d++) if (reduced[d]) count *= _shape[d];
        var centered = Sub(Mean(dims, keepDim: true));
        return centered.Mul(centered).Sum(dims, keepDim).Div(unbiased ? count - 1 : count);
    }

    /// <summary>Variance over one dimension; unbiased divides by n−1 (torch.var's default).</summary>
    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false) => Var([dim], unbiased, keepDim);

    /// <summary>Standard deviation over <paramref name="dims"/> (all when null); unbiased divides by n−1 (torch.std's default).</summary>
    public Tensor Std(int[]? dims = null, bool unbiased = true, bool keepDim = false) => Var(dims, unbiased, keepDim).Sqrt();

    /// <summary>Standard deviation over one dimension (torch.std(dim)).</summary>
    public Tensor Std(int dim, bool unbiased = true, bool keepDim = false) => Std([dim], unbiased, keepDim);

    private int[] AllDims()
    {
        var all = new int[Rank];
        for (int i = 0; i < Rank; i++) all[i] = i;
        return all;
    }

    private (bool[] Reduced, int[] KeepShape, int[] OutShape) ReducePlan(int[] dims, string op)
    {
        var reduced = new bool[Rank];
        foreach (var d in dims)
        {
            int n = ShapeUtil.NormalizeDim(d, Rank, op);
            if (reduced[n]) throw new ArgumentException($"{op}: dimension {n} appears twice in {ShapeUtil.Format(dims)}", nameof(dims));
            reduced[n] = true;
        }
        var keep = new int[Rank];
        var outShape = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            keep[i] = reduced[i] ? 1 : _shape[i];
            if (!reduced[i]) outShape.Add(_shape[i]);
        }
        return (reduced, keep, [.. outShape]);
    }

    /// <summary>Sums the reduced dims into a contiguous tensor of <paramref name="resultShape"/> (the kept dims' sizes, with or without 1s); no autograd.</summary>
    private Tensor SumKeep(bool[] reduced, int[] resultShape)
    {
        // Move reduced dims last; then either rows (suffix) or leading blocks (prefix) sum with SIMD.
        int k = 0;
        var perm = new int[Rank];
        for (int i = 0; i < Rank; i++) if (!reduced[i]) perm[k++] = i;
        int kept = k;
        for (int i = 0; i < Rank; i++) if (reduced[i]) perm[k++] = i;
        int outer = 1, inner = 1;
        for (int i = 0; i < kept; i++) outer *= _shape[perm[i]];
        for (int i = kept; i < Rank; i++) inner *= _shape[perm[i]];
        var result = Uninitialized(resultShape, DType); // every element is written below
        var src = Detach();
        bool prefix = true;
        for (int i = 0; i < Rank && prefix; i++) if (!reduced[i] && i < Rank - kept) prefix = false;
        if (prefix && IsContiguous && kept < Rank && kept > 0)
        {
            // [inner, outer] contiguous: add rows together.
            if (DType == DType.Float32) SumRowsInto(src.AsSpan<float>(), inner, outer, result.AsSpan<float>());
            else SumRowsInto(src.AsSpan<double>(), inner, outer, result.AsSpan<double>());
            return result;
        }
        bool suffix = true;
        for (int i = 0; i < kept && suffix; i++) suffix = perm[i] == i;
        // Reduced dims already last in a contiguous tensor: read the rows in place.
        var moved = suffix && IsContiguous ? this : src.Permute(perm).Contiguous();
        RowKernels.ForRows(outer, inner, (r0, count) =>
        {
            if (DType == DType.Float32) SumEachRow(moved.AsSpan<float>().Slice(r0 * inner, count * inner), count, inner, result.AsSpan<float>().Slice(r0, count));
            else SumEachRow(moved.AsSpan<double>().Slice(r0 * inner, count * inner), count, inner, result.AsSpan<double>().Slice(r0, count));
        });
        return result;
    }

    private static void SumRowsInto<T>(ReadOnlySpan<T> src, int rows, int cols, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        dst.Clear();
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(dst, src.Slice(r * cols, cols), dst);
    }

    private static void SumEachRow<T>(ReadOnlySpan<T> src, int rows, int cols, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++) dst[r] = cols == 0 ? T.Zero : TensorPrimitives.Sum(src.Slice(r * cols, cols));
    }
}
