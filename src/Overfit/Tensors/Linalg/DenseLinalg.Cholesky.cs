using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The one Cholesky (Float32/Float64): blocked right-looking (LAPACK's potrf pattern). Every O(n³) step is one large
/// product per block column: the panel solve is a GEMM against the inverse of the diagonal block, the trailing
/// update a lower-only symmetric rank-k update. The inverses of the diagonal blocks are kept, so the inverse from
/// the factor (<see cref="InverseFromCholesky(ReadOnlySpan{double}, int, Span{double})"/>) reuses them. With two
/// threads the trailing update runs as two pieces side by side with one block of look-ahead
/// (<c>DenseLinalg.Cholesky.Concurrent.cs</c>); <see cref="TryCholeskyBlocked{T}(Span{T}, int, Span{T}, out int)"/>
/// picks that variant by size and thread count.
/// </summary>
public static partial class DenseLinalg
{
    /// <summary>Below this order the factorization is one unblocked loop (no diagonal inverses are needed).</summary>
    internal const int CholeskyBlockThreshold = 128;

    /// <summary>Diagonal blocks up to this order are factored and inverted by plain loops; larger ones are split in halves.</summary>
    private const int DiagonalLeaf = 24;

    /// <summary>
    /// Block width for order n: wide enough for the GEMM to run near its peak, narrow enough for cheap diagonal blocks.
    /// Large matrices get wider blocks, because every block column streams the whole trailing matrix through memory.
    /// </summary>
    internal static int CholeskyBlockWidth(int n) => n <= 2048 ? 128 : 256;

    /// <summary>Storage for the inverses of the diagonal blocks: block starting at row o lives at rows o.. of an n×<see cref="CholeskyBlockWidth"/> array.</summary>
    internal static int DiagonalInverseLength(int n) => checked((int)((long)n * CholeskyBlockWidth(n)));

    /// <summary>
    /// Lower Cholesky in place, strict upper triangle zeroed on success (the public entry's contract). Small matrices
    /// run the unblocked loop; larger ones the blocked factorization with pooled diagonal-inverse scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryCholeskyCore<T>(Span<T> a, int n, out int failedPivot) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n < CholeskyBlockThreshold)
        {
            if (!FactorDiagonalBlock(a, n, 0, n, out failedPivot)) return false;
        }
        else
        {
            var pool = System.Buffers.ArrayPool<T>.Shared;
            var inverses = pool.Rent(DiagonalInverseLength(n));
            try
            {
                if (!TryCholeskyBlocked<T>(a, n, inverses, out failedPivot)) return false;
            }
            finally { pool.Return(inverses); }
        }
        for (int i = 0; i < n; i++) a.Slice(i * n + i + 1, n - i - 1).Clear();
        failedPivot = -1;
        return true;
    }

    /// <summary>
    /// The blocked Cholesky's one entry point: lower factor of the n×n row-major matrix in place, reading only the lower
    /// triangle and leaving the strict upper triangle as it was. Writes the inverse of each diagonal block into
    /// <paramref name="diagonalInverses"/> (zeros above its diagonal; row stride <see cref="CholeskyBlockWidth"/>(n)).
    /// With two or more threads and more than one block column it runs the side-by-side variant, otherwise the one
    /// whose products are each split across the cores. Returns false with the failing pivot when not positive definite.
    /// </summary>
    internal static bool TryCholeskyBlocked<T>(Span<T> a, int n, Span<T> diagonalInverses, out int failedPivot)
        where T : unmanaged, IFloatingPointIeee754<T>
        => TryCholeskyBlocked(a, n, CholeskyBlockWidth(n), diagonalInverses, out failedPivot);

    /// <summary><see cref="TryCholeskyBlocked{T}(Span{T}, int, Span{T}, out int)"/> with an explicit block width (inverses stored with row stride <paramref name="bw"/>).</summary>
    internal static bool TryCholeskyBlocked<T>(Span<T> a, int n, int bw, Span<T> diagonalInverses, out int failedPivot)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((long)a.Length < (long)n * n || (long)diagonalInverses.Length < (long)n * bw)
            throw new ArgumentException($"buffers too short for order {n}: matrix {a.Length}, diagonal inverses {diagonalInverses.Length} (need {(long)n * n} and {(long)n * bw})");
        return Threading.Effective >= 2 && n > bw
            ? TryCholeskyConcurrent(a, n, bw, diagonalInverses, out failedPivot)
            : TryCholeskySplit(a, n, bw, diagonalInverses, out failedPivot);
    }

    /// <summary>The blocked factorization with each block product split across the cores (the one-thread path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryCholeskySplit<T>(Span<T> a, int n, int bw, Span<T> diagonalInverses, out int failedPivot)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var pool = System.Buffers.ArrayPool<T>.Shared;
        var diagonalScratch = pool.Rent(checked((int)((long)bw * bw)));
        try
        {
            for (int j0 = 0; j0 < n; j0 += bw)
            {
                int jb = Math.Min(bw, n - j0), j1 = j0 + jb, rest = n - j1;
                var inv = diagonalInverses.Slice(j0 * bw, jb * bw);
                if (!FactorAndInvertDiagonalBlock(a, n, bw, j0, jb, inv, 0, diagonalScratch, out failedPivot)) return false;
                if (rest == 0) break;
                SolvePanelRows(a, n, j1, rest, j0, jb, inv, bw);
                // Trailing: A22 −= L21·L21ᵀ, lower triangle only.
                Gemm.RunSymmetric(false, rest, jb, -T.One, a[(j1 * n + j0)..], n, T.One, a[(j1 * n + j1)..], n, fillUpper: false);
            }
        }
        finally { pool.Return(diagonalScratch); }
        failedPivot = -1;
        return true;
    }

    /// <summary>
    /// The panel solve of a blocked Cholesky for <paramref name="rows"/> rows from <paramref name="r0"/>:
    /// L[r, c0..c0+w) = A[r, c0..c0+w)·L11⁻ᵀ, where <paramref name="inverse"/> holds L11⁻¹ (w×w, row stride
    /// <paramref name="ldInverse"/>, zeros above the diagonal): the triangular GEMM in place on those rows. (On a copy
    /// of the rows, the copy alone took a third of the first panel's time: strided 1 KB rows at 7 GB/s.)
    /// </summary>
    private static void SolvePanelRows<T>(Span<T> a, int n, int r0, int rows, int c0, int w, ReadOnlySpan<T> inverse, int ldInverse)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Gemm.RunTriangularRowsInPlace(TriangleClip.UpperB, true, rows, w, T.One, a[(r0 * n + c0)..], n, inverse, ldInverse);

    /// <summary>
    /// Factors the m×m diagonal block at (o, o) and writes its inverse at (r, r) of <paramref name="inv"/> (row stride
    /// <paramref name="w"/>, zeros above the diagonal). Halves recursively: [L11 0; L21 L22]⁻¹ =
    /// [L11⁻¹ 0; −L22⁻¹·L21·L11⁻¹ L22⁻¹], with L21 = A21·L11⁻ᵀ and A22 −= L21·L21ᵀ as small products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool FactorAndInvertDiagonalBlock<T>(Span<T> a, int n, int w, int o, int m, Span<T> inv, int r, T[] scratch, out int failedPivot)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= DiagonalLeaf)
        {
            if (!FactorDiagonalBlock(a, n, o, m, out failedPivot)) return false;
            InvertLowerBlock<T>(a, n, o, m, inv[(r * w + r)..], w);
            return true;
        }
        int m1 = m / 2, m2 = m - m1;
        if (!FactorAndInvertDiagonalBlock(a, n, w, o, m1, inv, r, scratch, out failedPivot)) return false;
        SolvePanelRows(a, n, o + m1, m2, o, m1, inv[(r * w + r)..], w);
        Gemm.RunSymmetric(false, m2, m1, -T.One, a[((o + m1) * n + o)..], n, T.One, a[((o + m1) * n + o + m1)..], n, fillUpper: false);
        if (!FactorAndInvertDiagonalBlock(a, n, w, o + m1, m2, inv, r + m1, scratch, out failedPivot)) return false;
        // Lower-left block of the inverse: −L22⁻¹·(L21·L11⁻¹); the upper-right block is zero.
        var t = scratch.AsSpan(0, m2 * m1);
        Gemm.Run(false, false, m2, m1, m1, T.One, a[((o + m1) * n + o)..], n, inv[(r * w + r)..], w, T.Zero, t, m1);
        Gemm.Run(false, false, m2, m1, m2, -T.One, inv[((r + m1) * w + r + m1)..], w, t, m1, T.Zero, inv[((r + m1) * w + r)..], w);
        for (int i = 0; i < m1; i++) inv.Slice((r + i) * w + r + m1, m2).Clear();
        return true;
    }

    /// <summary>Unblocked Cholesky of the jb×jb diagonal block at (j0, j0): row by row, each entry one contiguous dot product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool FactorDiagonalBlock<T>(Span<T> a, int n, int j0, int jb, out int failedPivot) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < jb; i++)
        {
            var li = a.Slice((j0 + i) * n + j0, i + 1);
            for (int j = 0; j < i; j++)
            {
                var lj = a.Slice((j0 + j) * n + j0, j);
                li[j] = (li[j] - TensorPrimitives.Dot<T>(li[..j], lj)) / a[(j0 + j) * n + j0 + j];
            }
            T d = li[i] - TensorPrimitives.Dot<T>(li[..i], li[..i]);
            if (!(d > T.Zero)) { failedPivot = j0 + i; return false; }
            li[i] = T.Sqrt(d);
        }
        failedPivot = -1;
        return true;
    }

    /// <summary>
    /// Inverse of the jb×jb lower-triangular block at (j0, j0) of the factor into <paramref name="inv"/> (row stride
    /// <paramref name="w"/>, zeros above the diagonal): row i of L⁻¹ is −(1/L_ii)·Σ_k&lt;i L_ik·(row k of L⁻¹), row updates vectorized.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InvertLowerBlock<T>(ReadOnlySpan<T> a, int n, int j0, int jb, Span<T> inv, int w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < jb; i++)
        {
            var row = inv.Slice(i * w, jb);
            row.Clear();
            var li = a.Slice((j0 + i) * n + j0, i + 1);
            for (int k = 0; k < i; k++)
                TensorPrimitives.MultiplyAdd(inv.Slice(k * w, k + 1), li[k], row[..(k + 1)], row[..(k + 1)]);
            T r = T.One / li[i];
            TensorPrimitives.Multiply(row[..i], -r, row[..i]);
            row[i] = r;
        }
    }
}
