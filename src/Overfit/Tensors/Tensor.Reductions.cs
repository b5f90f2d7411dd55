using System.Numerics;
using System.Numerics.Tensors;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Reductions: sum, mean, var, std, max/min with indices, argmax, logsumexp, softmax.</summary>
public sealed partial class Tensor
{
    /// <summary>Sum of all elements (a 0-d tensor).</summary>
    public Tensor Sum()
    {
        double s = 0;
        var c = Detach().Contiguous();
        if (DType == DType.Float32)
        {
            // Pairwise blocks in double keep large float32 sums accurate.
            var span = c.AsSpan<float>();
            for (int i = 0; i < span.Length; i += 4096) s += TensorPrimitives.Sum(span.Slice(i, Math.Min(4096, span.Length - i)));
        }
        else s = TensorPrimitives.Sum(c.AsSpan<double>());
        var r = Scalar(s, DType);
        var shape = _shape;
        return Record(r, "Sum", [this], g => [g.BroadcastTo(shape)]);
    }

    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum over <paramref name="dims"/>.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        var (reduced, keepShape, outShape) = ReducePlan(dims, "Sum");
        var r = SumKeep(reduced, keepShape).Reshape(keepDim ? keepShape : outShape);
        var shape = _shape;
        return Record(r.Detach(), "Sum", [this], g => [g.Reshape(keepShape).BroadcastTo(shape)]);
    }

    public Tensor Mean() => Sum().Div(Math.Max(Numel, 1) == 0 ? 1 : Numel);

    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

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

    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false) => Var([dim], unbiased, keepDim);

    public Tensor Std(int[]? dims = null, bool unbiased = true, bool keepDim = false) => Var(dims, unbiased, keepDim).Sqrt();

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

    /// <summary>Sums the reduced dims, producing a contiguous tensor of <paramref name="keepShape"/>; no autograd.</summary>
    private Tensor SumKeep(bool[] reduced, int[] keepShape)
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
        var result = Empty(keepShape, DType);
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
        var moved = src.Permute(perm).Contiguous();
        if (DType == DType.Float32) SumEachRow(moved.AsSpan<float>(), outer, inner, result.AsSpan<float>());
        else SumEachRow(moved.AsSpan<double>(), outer, inner, result.AsSpan<double>());
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

    /// <summary>Largest element of the whole tensor (0-d); NaN if any element is NaN.</summary>
    public Tensor Max() => Flatten().Max(0).Values;

    public Tensor Min() => Flatten().Min(0).Values;

    /// <summary>Largest values along <paramref name="dim"/> and their first indices (NaN wins, like PyTorch).</summary>
    public (Tensor Values, int[] Indices) Max(int dim, bool keepDim = false) => Extreme(dim, keepDim, max: true);

    public (Tensor Values, int[] Indices) Min(int dim, bool keepDim = false) => Extreme(dim, keepDim, max: false);

    /// <summary>Index of the largest value along <paramref name="dim"/>, as an int array in row-major order of the other dims.</summary>
    public int[] ArgMax(int dim) => Extreme(dim, false, max: true).Indices;

    public int[] ArgMin(int dim) => Extreme(dim, false, max: false).Indices;

    private (Tensor Values, int[] Indices) Extreme(int dim, bool keepDim, bool max)
    {
        string op = max ? "Max" : "Min";
        if (Rank == 0) return (this, [0]);
        int d = ShapeUtil.NormalizeDim(dim, Rank, op);
        int len = _shape[d];
        if (len == 0) throw new ArgumentException($"{op}: cannot reduce over dimension {d} of size 0 in shape {ShapeUtil.Format(_shape)}");
        var perm = new int[Rank];
        for (int i = 0, k = 0; i < Rank; i++) if (i != d) perm[k++] = i;
        perm[Rank - 1] = d;
        // Rows of the moved copy come in row-major order of the kept dims, which is keepShape's order.
        var moved = Detach().Permute(perm).Contiguous();
        int rows = Numel / len;
        var indices = new int[rows];
        var vals = Empty(ReducePlan([d], op).KeepShape, DType);
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            double bv = moved.GetFlat(r * len);
            for (int j = 1; j < len && !double.IsNaN(bv); j++)
            {
                double v = moved.GetFlat(r * len + j);
                if (double.IsNaN(v) || (max ? v > bv : v < bv)) { bv = v; best = j; }
            }
            indices[r] = best;
            vals.SetFlat(r, bv);
        }
        var (_, keepShape, outShape) = ReducePlan([d], op);
        var shape = _shape;
        var dtype = DType;
        var result = Record(vals.Reshape(keepDim ? keepShape : outShape).Detach(), op, [this], g =>
        {
            var grad = Zeros(shape, dtype);
            var gk = g.Reshape(keepShape).Contiguous();
            var strides = ShapeUtil.ContiguousStrides(shape);
            var keepStrides = ShapeUtil.ContiguousStrides(keepShape);
            for (int i = 0; i < gk.Numel; i++)
            {
                int off = 0, rem = i;
                for (int a = 0; a < shape.Length; a++)
                {
                    int coord = rem / keepStrides[a]; rem %= keepStrides[a];
                    off += (a == d ? indices[i] : coord) * strides[a];
                }
                grad.SetFlat(off, gk.GetFlat(i));
            }
            return [grad];
        });
        return (result, indices);
    }

    /// <summary>log Σ exp along <paramref name="dim"/>, shifted by the max for stability.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false)
    {
        Tensor m;
        using (NoGrad()) m = Max(dim, keepDim: true).Values.Map(v => double.IsInfinity(v) ? 0 : v);
        var r = Sub(m).Exp().Sum(dim, keepDim: true).Log().Add(m);
        return keepDim ? r : r.Squeeze(dim);
    }

    /// <summary>Softmax along <paramref name="dim"/>; gradient y ⊙ (g − Σ g y).</summary>
    public Tensor Softmax(int dim)
    {
        Tensor y;
        using (NoGrad())
        {
            var m = Max(dim, keepDim: true).Values;
            var e = Sub(m).Exp();
            y = e.Div(e.Sum(dim, keepDim: true));
        }
        return Record(y, "Softmax", [this], g => [y.Mul(g.Sub(g.Mul(y).Sum(dim, keepDim: true)))]);
    }

    /// <summary>log softmax along <paramref name="dim"/>; gradient g − softmax · Σ g.</summary>
    public Tensor LogSoftmax(int dim)
    {
        Tensor y;
        using (NoGrad()) y = Sub(LogSumExp(dim, keepDim: true));
        return Record(y, "LogSoftmax", [this], g => [g.Sub(y.Exp().Mul(g.Sum(dim, keepDim: true)))]);
    }
}
