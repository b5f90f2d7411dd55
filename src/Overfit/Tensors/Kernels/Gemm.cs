using System.Numerics.Tensors;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// General matrix multiply on row-major spans: C = alpha·op(A)·op(B) + beta·C, op(A) m×k, op(B) k×n.
/// A transposed operand is read in place (lda is the row stride of the stored matrix).
/// </summary>
public static partial class Gemm
{
    /// <summary>Upper bound on threads for large products (default: all cores).</summary>
    public static int MaxThreads { get; set; } = Environment.ProcessorCount;

    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    public static void Multiply(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
        => Reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>Straightforward row-axpy product; the correctness reference for the blocked kernels.</summary>
    internal static void Reference<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var bRow = new T[n];
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * ldc, n);
            if (beta == T.Zero) ci.Clear(); else if (beta != T.One) TensorPrimitives.Multiply(ci, beta, ci);
            for (int p = 0; p < k; p++)
            {
                T aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                if (aip == T.Zero) continue;
                ReadOnlySpan<T> row;
                if (!transB) row = b.Slice(p * ldb, n);
                else { for (int j = 0; j < n; j++) bRow[j] = b[j * ldb + p]; row = bRow; }
                TensorPrimitives.MultiplyAdd(row, aip, ci, ci);
            }
        }
    }
}
