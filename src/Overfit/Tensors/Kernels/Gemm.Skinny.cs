using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Overfit.Tensors.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Matrix-vector shapes (one row or one column of C) skip packing, which would cost as much as the product:
    /// they run as long SIMD dot products or row updates over the stored operand.
    /// </summary>
    private static unsafe bool TrySkinny<T>(in Problem<T> p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p.M != 1 && p.N != 1) return false;
        int len = p.M == 1 ? p.N : p.M;
        var pool = ArrayPool<T>.Shared;
        T[] acc = pool.Rent(len);
        T[] vec = pool.Rent(p.K);
        try
        {
            var sum = acc.AsSpan(0, len);
            sum.Clear();
            var x = vec.AsSpan(0, p.K);
            if (p.M == 1)
            {
                // c (1×n) = a (1×k) · op(B): gather a, then either rows of B (axpy) or rows of Bᵀ (dot).
                for (int q = 0; q < p.K; q++) x[q] = p.TransA ? p.A[(nint)q * p.Lda] : p.A[q];
                if (!p.TransB)
                    for (int q = 0; q < p.K; q++)
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(p.B + (nint)q * p.Ldb, p.N), x[q], sum, sum);
                else
                    for (int j = 0; j < p.N; j++) sum[j] = TensorPrimitives.Dot<T>(new ReadOnlySpan<T>(p.B + (nint)j * p.Ldb, p.K), x);
            }
            else
            {
                // c (m×1) = op(A) · b (k×1): gather b, then either rows of A (dot) or rows of Aᵀ (axpy).
                for (int q = 0; q < p.K; q++) x[q] = p.TransB ? p.B[q] : p.B[(nint)q * p.Ldb];
                if (!p.TransA)
                    for (int i = 0; i < p.M; i++) sum[i] = TensorPrimitives.Dot<T>(new ReadOnlySpan<T>(p.A + (nint)i * p.Lda, p.K), x);
                else
                    for (int q = 0; q < p.K; q++)
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(p.A + (nint)q * p.Lda, p.M), x[q], sum, sum);
            }
            int stride = p.M == 1 ? 1 : p.Ldc;
            for (int i = 0; i < len; i++)
            {
                ref T c = ref p.C[(nint)i * stride];
                c = p.Beta == T.Zero ? p.Alpha * sum[i] : p.Alpha * sum[i] + p.Beta * c;
            }
        }
        finally
        {
            pool.Return(acc);
            pool.Return(vec);
        }
        return true;
    }
}
