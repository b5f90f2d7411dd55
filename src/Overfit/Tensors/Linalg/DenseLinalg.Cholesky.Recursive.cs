using System.Numerics;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The Cholesky by recursive halving at block boundaries: L11 = chol(A11), L21 = A21·L11⁻ᵀ, L22 = chol(A22 − L21·L21ᵀ).
/// The symmetric update of the top levels has a depth of n/2, so it runs near the GEMM's peak, where a right-looking
/// sweep streams the trailing matrix through memory once per narrow block column. The solve against L11 recurses the
/// same way down to the diagonal blocks, where it is a triangular product with the block's stored inverse.
/// </summary>
public static partial class DenseLinalg
{
    /// <summary>Same result and contract as <see cref="TryCholeskySplit{T}"/>; buffers already checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe bool TryCholeskyRecursive<T>(Span<T> a, int n, int bw, Span<T> diagonalInverses, out int failedPivot)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var pool = System.Buffers.ArrayPool<T>.Shared;
        var scratch = pool.Rent(Math.Max(1, n * bw));
        try
        {
            fixed (T* pa = a, pd = diagonalInverses)
                return FactorRecursive(new InverseOperands<T>((nint)pa, (nint)pd, (nint)pa, n, bw), 0, n, scratch, out failedPivot);
        }
        finally { pool.Return(scratch); }
    }

    /// <summary>Factors the m×m diagonal block at o in place (o a multiple of bw), splitting at a block boundary near the middle.</summary>
    private static unsafe bool FactorRecursive<T>(InverseOperands<T> m, int o, int size, T[] scratch, out int failedPivot)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = m.N, bw = m.Bw;
        if (size <= bw)
            return FactorAndInvertDiagonalBlock(new Span<T>(m.L(0, 0), n * n), n, bw, o, size, new Span<T>(m.DiagonalInverse(o), size * bw), 0, scratch, out failedPivot);
        int blocks = (size + bw - 1) / bw, m1 = (blocks + 1) / 2 * bw, m2 = size - m1;
        if (!FactorRecursive(m, o, m1, scratch, out failedPivot)) return false;
        SolveAgainstFactorTransposed(m, o + m1, m2, o, m1, scratch);
        Gemm.RunSymmetric(false, m2, m1, -T.One, new ReadOnlySpan<T>(m.L(o + m1, o), Extent(m2, m1, n)), n, T.One,
            new Span<T>(m.L(o + m1, o + m1), Extent(m2, m2, n)), n, fillUpper: false);
        return FactorRecursive(m, o + m1, m2, scratch, out failedPivot);
    }

    /// <summary>
    /// B := B·L⁻ᵀ in place for the rows×size block B at (r0, o) and the factored size×size diagonal block L at (o, o):
    /// Y·[P 0; Q R]ᵀ = [B1 B2] gives Y1 = B1·P⁻ᵀ, then Y2 = (B2 − Y1·Qᵀ)·R⁻ᵀ; a diagonal block multiplies by its stored inverse.
    /// </summary>
    private static unsafe void SolveAgainstFactorTransposed<T>(InverseOperands<T> m, int r0, int rows, int o, int size, T[] scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = m.N, bw = m.Bw;
        if (size <= bw)
        {
            var copy = scratch.AsSpan(0, rows * size);
            for (int i = 0; i < rows; i++) new ReadOnlySpan<T>(m.L(r0 + i, o), size).CopyTo(copy.Slice(i * size, size));
            Gemm.RunTriangular(TriangleClip.UpperB, false, true, rows, size, size, T.One, copy, size,
                new ReadOnlySpan<T>(m.DiagonalInverse(o), Extent(size, size, bw)), bw, T.Zero, new Span<T>(m.L(r0, o), Extent(rows, size, n)), n);
            return;
        }
        int blocks = (size + bw - 1) / bw, h = (blocks + 1) / 2 * bw;
        SolveAgainstFactorTransposed(m, r0, rows, o, h, scratch);
        Gemm.Run(false, true, rows, size - h, h, -T.One, new ReadOnlySpan<T>(m.L(r0, o), Extent(rows, h, n)), n,
            new ReadOnlySpan<T>(m.L(o + h, o), Extent(size - h, h, n)), n, T.One, new Span<T>(m.L(r0, o + h), Extent(rows, size - h, n)), n);
        SolveAgainstFactorTransposed(m, r0, rows, o + h, size - h, scratch);
    }
}
