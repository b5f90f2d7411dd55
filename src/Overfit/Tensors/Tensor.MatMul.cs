using Overfit.Tensors.Kernels;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Matrix products with torch.matmul semantics (1-D promotion, broadcast batch dims).</summary>
public sealed partial class Tensor
{
    /// <summary>Matrix product with torch.matmul semantics: 1-D operands are promoted and squeezed back, batch dims broadcast ([..., n, k] @ [..., k, m] → [..., n, m]).</summary>
    /// <exception cref="ArgumentException">The dtypes differ, an operand is 0-d, or the inner or batch dims do not match.</exception>
    public Tensor MatMul(Tensor other)
    {
        CheckSameDType(this, other, "MatMul");
        if (Rank == 0 || other.Rank == 0)
            throw new ArgumentException($"MatMul: both operands need at least one dimension, got {ShapeUtil.Format(_shape)} and {ShapeUtil.Format(other._shape)}");
        var a = Rank == 1 ? Unsqueeze(0) : this;
        var b = other.Rank == 1 ? other.Unsqueeze(-1) : other;
        var r = MatMulNd(a, b);
        if (Rank == 1) r = r.Squeeze(-2);
        if (other.Rank == 1) r = r.Squeeze(-1);
        return r;
    }

    /// <summary>Matrix product <paramref name="a"/> @ <paramref name="b"/>; see <see cref="MatMul(Tensor)"/>.</summary>
    public static Tensor MatMul(Tensor a, Tensor b) => a.MatMul(b);

    private static Tensor MatMulNd(Tensor a, Tensor b)
    {
        int m = a._shape[^2], k = a._shape[^1], k2 = b._shape[^2], n = b._shape[^1];
        if (k != k2)
            throw new ArgumentException($"MatMul: inner dimensions differ, {ShapeUtil.Format(a._shape)} @ {ShapeUtil.Format(b._shape)} ({k} vs {k2})");
        var batch = ShapeUtil.Broadcast(a._shape.AsSpan(0, a.Rank - 2), b._shape.AsSpan(0, b.Rank - 2), "MatMul");
        var outShape = new int[batch.Length + 2];
        batch.CopyTo(outShape, 0);
        outShape[^2] = m; outShape[^1] = n;
        var result = Empty(outShape, a.DType);
        var ab = a.Detach().BroadcastTo([.. batch, m, k]);
        var bb = b.Detach().BroadcastTo([.. batch, k, n]);
        var (ta, lda, av) = MatrixOperand(ab);
        var (tb, ldb, bv) = MatrixOperand(bb);
        int batches = ShapeUtil.Numel(batch);
        var batchStridesA = av.StrideSpan[..^2].ToArray();
        var batchStridesB = bv.StrideSpan[..^2].ToArray();
        var batchStrides = ShapeUtil.ContiguousStrides(batch);
        for (int t = 0; t < batches; t++)
        {
            int oa = av.Offset, ob = bv.Offset, rem = t;
            for (int d = 0; d < batch.Length; d++)
            {
                int coord = rem / batchStrides[d]; rem %= batchStrides[d];
                oa += coord * batchStridesA[d]; ob += coord * batchStridesB[d];
            }
            int oc = t * m * n;
            if (a.DType == DType.Float32)
                Gemm.Multiply(ta, tb, m, n, k, 1f, av.Data<float>().AsSpan(oa), lda, bv.Data<float>().AsSpan(ob), ldb, 0f, result.Data<float>().AsSpan(oc), n);
            else
                Gemm.Multiply(ta, tb, m, n, k, 1.0, av.Data<double>().AsSpan(oa), lda, bv.Data<double>().AsSpan(ob), ldb, 0.0, result.Data<double>().AsSpan(oc), n);
        }
        var (sa, sb) = (a._shape, b._shape);
        return Record(result, "MatMul", [a, b], g => [
            a.RequiresGrad ? g.MatMul(b.Transpose(-2, -1)).SumToShape(sa) : null,
            b.RequiresGrad ? a.Transpose(-2, -1).MatMul(g).SumToShape(sb) : null]);
    }

    /// <summary>How GEMM can read the last two dims in place: row-major, or column-major (transposed); otherwise a copy.</summary>
    private static (bool Trans, int Ld, Tensor View) MatrixOperand(Tensor t)
    {
        int rows = t._shape[^2], cols = t._shape[^1];
        int rs = t._strides[^2], cs = t._strides[^1];
        if ((cs == 1 || cols == 1) && rs >= Math.Max(cols, 1)) return (false, Math.Max(rs, 1), t);
        if ((rs == 1 || rows == 1) && cs >= Math.Max(rows, 1)) return (true, Math.Max(cs, 1), t);
        var c = t.Contiguous();
        return (false, Math.Max(cols, 1), c);
    }
}
