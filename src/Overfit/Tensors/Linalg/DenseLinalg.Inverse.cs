using System.Numerics;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The one inverse from a Cholesky factor (LAPACK's trtri + lauum pattern): L⁻¹ by block rows as GEMMs against the
/// inverses of the diagonal blocks, then the lower triangle of L⁻ᵀL⁻¹ by block rows as one GEMM plus one lower-only
/// rank-k update each. About 2n³/3 flops, all in GEMM-shaped calls, and no n×n scratch beyond the result.
/// </summary>
public static partial class DenseLinalg
{
    /// <summary>
    /// A⁻¹ (full symmetric n×n, row-major) from A's lower Cholesky factor <paramref name="l"/> (only its lower triangle
    /// is read). The counterpart of <c>torch.cholesky_inverse</c> / LAPACK's potri.
    /// </summary>
    /// <exception cref="ArgumentException">when <paramref name="l"/> is not n×n or <paramref name="inverse"/> holds fewer than n² elements.</exception>
    public static void InverseFromCholesky(ReadOnlySpan<double> l, int n, Span<double> inverse)
    {
        CheckSquare(l.Length, n, nameof(l));
        if (inverse.Length < l.Length) throw new ArgumentException($"inverse must hold {l.Length} elements, got {inverse.Length}", nameof(inverse));
        InverseFromCholeskyCore<double>(l, n, inverse);
    }

    /// <summary>Full symmetric A⁻¹ from the factor: diagonal-block inverses from L's diagonal blocks, the blocked inverse, then a tiled mirror.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InverseFromCholeskyCore<T>(ReadOnlySpan<T> l, int n, Span<T> inverse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) return;
        int bw = CholeskyBlockWidth(n);
        var pool = System.Buffers.ArrayPool<T>.Shared;
        var diagonalInverses = pool.Rent(DiagonalInverseLength(n));
        try
        {
            for (int j0 = 0; j0 < n; j0 += bw) InvertLowerBlock(l, n, j0, Math.Min(bw, n - j0), diagonalInverses.AsSpan(j0 * bw), bw);
            InverseFromCholeskyLower<T>(l, n, bw, diagonalInverses, inverse);
        }
        finally { pool.Return(diagonalInverses); }
        MirrorLower(inverse, n);
    }

    /// <summary>Copies the strict lower triangle onto the upper one, in 64×64 tiles so the strided side stays in cache.</summary>
    internal static void MirrorLower<T>(Span<T> a, int n)
    {
        for (int i0 = 0; i0 < n; i0 += 64)
            for (int j0 = 0; j0 <= i0; j0 += 64)
            {
                int iEnd = Math.Min(i0 + 64, n), jEnd = Math.Min(j0 + 64, n);
                for (int i = i0; i < iEnd; i++)
                    for (int j = j0; j < Math.Min(jEnd, i); j++) a[j * n + i] = a[i * n + j];
            }
    }

    /// <summary>
    /// The inverse's one entry point: lower triangle of A⁻¹ = L⁻ᵀL⁻¹ into <paramref name="inverse"/> (strict upper triangle
    /// unspecified) from the factor and diagonal-block inverses of <see cref="TryCholeskyBlocked{T}(Span{T}, int, Span{T}, out int)"/>.
    /// With two or more threads and more than one block it runs the side-by-side variant, otherwise the one whose
    /// products are each split across the cores.
    /// </summary>
    internal static void InverseFromCholeskyLower<T>(ReadOnlySpan<T> l, int n, ReadOnlySpan<T> diagonalInverses, Span<T> inverse)
        where T : unmanaged, IFloatingPointIeee754<T>
        => InverseFromCholeskyLower(l, n, CholeskyBlockWidth(n), diagonalInverses, inverse);

    /// <summary><see cref="InverseFromCholeskyLower{T}(ReadOnlySpan{T}, int, ReadOnlySpan{T}, Span{T})"/> with the block width the factorization used.</summary>
    internal static void InverseFromCholeskyLower<T>(ReadOnlySpan<T> l, int n, int bw, ReadOnlySpan<T> diagonalInverses, Span<T> inverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((long)l.Length < (long)n * n || (long)inverse.Length < (long)n * n || (long)diagonalInverses.Length < (long)n * bw)
            throw new ArgumentException($"buffers too short for order {n}: factor {l.Length}, inverse {inverse.Length}, diagonal inverses {diagonalInverses.Length}");
        InverseRecursive(l, n, bw, diagonalInverses, inverse);
    }

    /// <summary>
    /// Starts block row J of X = L⁻¹: its diagonal block is L_JJ⁻¹ (stored bw wide in <paramref name="diagonalInverses"/>)
    /// and everything right of it is zero; the part left of it is written by the caller's products.
    /// </summary>
    private static void SeedInverseBlockRow<T>(Span<T> x, int n, int bw, int j0, int jb, ReadOnlySpan<T> diagonalInverses)
    {
        var inv = diagonalInverses.Slice(j0 * bw, jb * bw);
        for (int i = 0; i < jb; i++)
        {
            var row = x.Slice((j0 + i) * n, n);
            inv.Slice(i * bw, jb).CopyTo(row[j0..]);
            row[(j0 + jb)..].Clear();
        }
    }

    /// <summary>The blocked inverse with each block product split across the cores (the one-thread path). L⁻¹ is formed in the result buffer and overwritten block row by block row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InverseSplit<T>(ReadOnlySpan<T> l, int n, int bw, ReadOnlySpan<T> diagonalInverses, Span<T> inverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = inverse[..(n * n)];
        var pool = System.Buffers.ArrayPool<T>.Shared;
        var tArray = pool.Rent(Math.Max(1, n * bw));
        try
        {
            // X = L⁻¹ by block rows: X_JJ = L_JJ⁻¹, X_J,<J = −X_JJ·(L_J,<J·X_<J,<J). Row J is zero right of its block.
            for (int j0 = 0; j0 < n; j0 += bw)
            {
                int jb = Math.Min(bw, n - j0);
                SeedInverseBlockRow(x, n, bw, j0, jb, diagonalInverses);
                if (j0 == 0) continue;
                var t = tArray.AsSpan(0, jb * j0);
                // T = L_J,<J·X_<J,<J by column chunks: chunk [c0, c1) of X is zero above row c0, so its product
                // starts there (about half the flops of one full product, in a few large GEMMs).
                for (int c0 = 0; c0 < j0; c0 += bw)
                {
                    int cw = Math.Min(bw, j0 - c0);
                    Gemm.Run(false, false, jb, cw, j0 - c0, T.One, l[(j0 * n + c0)..], n, x[(c0 * n + c0)..], n, T.Zero, t[c0..], j0);
                }
                Gemm.Run(false, false, jb, j0, jb, -T.One, diagonalInverses.Slice(j0 * bw, jb * bw), bw, t, j0, T.Zero, x[(j0 * n)..], n);
            }
            // A⁻¹ = XᵀX by block rows: for J ≤ I the blocks of X above row I are zero, so block row I of the lower
            // triangle is X_≥I,Iᵀ·X_≥I,≤I: a GEMM with a long inner dimension left of the diagonal block and a
            // lower-only rank-k update on it. Block row I reads only rows ≥ I of X, so, going down, each result is
            // staged in T and then written over the rows of X that no later block row reads.
            for (int i0 = 0; i0 < n; i0 += bw)
            {
                int ib = Math.Min(bw, n - i0), i1 = i0 + ib;
                var t = tArray.AsSpan(0, ib * i1);
                if (i0 > 0) Gemm.Run(true, false, ib, i0, n - i0, T.One, x[(i0 * n + i0)..], n, x[(i0 * n)..], n, T.Zero, t, i1);
                Gemm.RunSymmetric(true, ib, n - i0, T.One, x[(i0 * n + i0)..], n, T.Zero, t[i0..], i1, fillUpper: false);
                for (int i = 0; i < ib; i++) t.Slice(i * i1, i0 + i + 1).CopyTo(x[((i0 + i) * n)..]);
            }
        }
        finally { pool.Return(tArray); }
    }
}
