using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// General matrix multiply on row-major spans: C = alpha·op(A)·op(B) + beta·C, op(A) m×k, op(B) k×n.
/// A transposed operand is read in place (lda is the row stride of the stored matrix).
/// When beta is zero, C is only written, never read (NaN or garbage in C does not leak into the result).
/// </summary>
public static partial class Gemm
{
    /// <summary>Upper bound on threads for large products: the library-wide <see cref="Threading.NumThreads"/> under its GEMM name.</summary>
    public static int MaxThreads { get => Threading.NumThreads; set => Threading.NumThreads = value; }

    /// <summary>Float32 product C = alpha·op(A)·op(B) + beta·C on row-major spans (BLAS sgemm).</summary>
    /// <exception cref="ArgumentException">A dimension is negative or a span is too short for its shape and leading dimension.</exception>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>Float64 product C = alpha·op(A)·op(B) + beta·C on row-major spans (BLAS dgemm).</summary>
    /// <exception cref="ArgumentException">A dimension is negative or a span is too short for its shape and leading dimension.</exception>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
        => Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    internal static void Run<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
        => RunWith(GemmKernel.Auto, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>
    /// Triangular product (BLAS trmm, out of place): <see cref="Run{T}"/> where op(A) (<see cref="TriangleClip.LowerA"/>,
    /// <see cref="TriangleClip.UpperA"/>; m = k) or op(B) (<see cref="TriangleClip.LowerB"/>, <see cref="TriangleClip.UpperB"/>;
    /// k = n) is triangular, at the GEMM's rate on the nonzero triangle only: each micro-tile runs over just the k its
    /// rows or columns can reach. Entries of the other triangle are read only within <see cref="TriangleBand"/> of the
    /// diagonal, and those must be zero; the rest of it is never read.
    /// </summary>
    internal static void RunTriangular<T>(TriangleClip clip, bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool onA = clip is TriangleClip.LowerA or TriangleClip.UpperA;
        if (clip == TriangleClip.None || (onA ? m != k : k != n))
            throw new ArgumentException($"Gemm: a triangular {(onA ? "op(A)" : "op(B)")} must be square, got m={m}, n={n}, k={k} ({clip})", nameof(clip));
        RunWith(GemmKernel.Auto, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, clip);
    }

    /// <summary>
    /// A ← alpha·A·op(W) in place on a rows×w block of rows (row stride <paramref name="lda"/>), W the w×w triangle
    /// <paramref name="w"/> (<paramref name="clip"/> <see cref="TriangleClip.LowerB"/> or <see cref="TriangleClip.UpperB"/>,
    /// read as <see cref="RunTriangular{T}"/> reads it). In place is safe here because, with w at most one slab deep
    /// (<see cref="SlabDepth"/>) and one block of columns, the driver packs each block of rows before it writes them, never
    /// reads them again, and splits the work across threads by rows; so the blocked Cholesky's panel solve needs no copy
    /// of its rows.
    /// </summary>
    internal static void RunTriangularRowsInPlace<T>(TriangleClip clip, bool transW, int rows, int width, T alpha, Span<T> a, int lda,
        ReadOnlySpan<T> w, int ldw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (clip is not (TriangleClip.LowerB or TriangleClip.UpperB))
            throw new ArgumentException($"Gemm: an in-place row product needs the triangle on the right (LowerB or UpperB), got {clip}", nameof(clip));
        if (width > SlabDepth)
            throw new ArgumentException($"Gemm: an in-place row product is at most {SlabDepth} wide (one slab), got {width}", nameof(width));
        RunWith(GemmKernel.Auto, false, transW, rows, width, width, alpha, a, lda, w, ldw, T.Zero, a, lda, clip);
    }

    /// <summary>How far past the diagonal a triangular operand of <see cref="RunTriangular{T}"/> is read (the widest micro-tile side).</summary>
    internal const int TriangleBand = 32;

    /// <summary>
    /// <see cref="Run{T}"/> on a chosen micro-kernel (<see cref="GemmKernel.Auto"/>: the widest accelerated one). The
    /// narrower widths are reached only through this seam, so tests check every kernel on one machine without a global switch.
    /// </summary>
    internal static unsafe void RunWith<T>(GemmKernel kernel, bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, TriangleClip clip = TriangleClip.None) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"Gemm: dimensions must be non-negative, got m={m}, n={n}, k={k}");
        CheckOperand(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
        CheckOperand(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b));
        CheckOperand(c.Length, m, n, ldc, nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            ScaleRows(c, m, n, ldc, beta);
            return;
        }
        fixed (T* pa = &MemoryMarshal.GetReference(a))
        fixed (T* pb = &MemoryMarshal.GetReference(b))
        fixed (T* pc = &MemoryMarshal.GetReference(c))
        {
            var p = new Problem<T>(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, clip);
            if (clip == TriangleClip.None && TrySkinny(p)) return;
            switch (kernel == GemmKernel.Auto ? SelectKernel() : kernel)
            {
                case GemmKernel.Vector512: Dispatch<T, VectorKernel<T, Vector512<T>, Lanes512<T>>>(p); break;
                case GemmKernel.Vector256: Dispatch<T, VectorKernel<T, Vector256<T>, Width256<T>>>(p); break;
                case GemmKernel.Vector128: Dispatch<T, VectorKernel<T, Vector128<T>, Width128<T>>>(p); break;
                default: Dispatch<T, KernelScalar<T>>(p); break;
            }
        }
    }

    /// <summary>The stored matrix is rows×cols with row stride ld; the span must reach its last element.</summary>
    private static void CheckOperand(int length, int rows, int cols, int ld, string name)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            throw new ArgumentException($"Gemm: leading dimension of {name} must be at least {cols} (the stored row length), got {ld}", name);
        long need = (long)(rows - 1) * ld + cols;
        if (length < need)
            throw new ArgumentException($"Gemm: {name} is a {rows}×{cols} matrix with row stride {ld}, which needs {need} elements; the span has {length}", name);
    }

    private static void ScaleRows<T>(Span<T> c, int m, int n, int ldc, T beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * ldc, n);
            if (beta == T.Zero) ci.Clear();
            else if (beta != T.One) TensorPrimitives.Multiply(ci, beta, ci);
        }
    }

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
