using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Blocked right-looking Cholesky and the inverse from it (LAPACK's potrf / trtri / lauum pattern), for the
/// marginal likelihood. Every O(n³) step is one large product per block column: the trailing update is a
/// lower-only symmetric rank-k update, the panel solve and the triangular inverse are GEMMs against the inverses
/// of the diagonal blocks (kept from the factorization), and L⁻ᵀL⁻¹ is one GEMM plus one lower-only rank-k update
/// per block row. Only the diagonal blocks, split in halves down to a small order, run plain loops.
/// </summary>
internal static partial class GpLinalg
{
    /// <summary>
    /// Block width for order n: wide enough for the GEMM to run near its peak, narrow enough for cheap diagonal blocks.
    /// Large matrices get wider blocks, because every block column streams the whole trailing matrix through memory.
    /// </summary>
    internal static int BlockWidth(int n) => n <= 2048 ? 128 : 256;

    /// <summary>Diagonal blocks up to this order are factored and inverted by plain loops; larger ones are split in halves.</summary>
    private const int DiagonalLeaf = 24;

    /// <summary>Storage for the inverses of the diagonal blocks: block starting at row o lives at rows o.. of an n×BlockWidth array.</summary>
    public static int DiagonalInverseLength(int n) => n * BlockWidth(n);

    /// <summary>
    /// Lower Cholesky factor of the n×n row-major matrix in place. Reads only the lower triangle and leaves the
    /// strict upper triangle as it was. Writes the inverse of each diagonal block into <paramref name="diagonalInverses"/>
    /// (zeros above its diagonal; row stride <see cref="BlockWidth"/>(n)). Returns false with the failing pivot when the matrix is not positive definite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryCholeskyBlocked(Span<double> a, int n, Span<double> diagonalInverses, out int failedPivot)
        => TryCholeskyBlocked(a, n, BlockWidth(n), diagonalInverses, out failedPivot);

    /// <summary><see cref="TryCholeskyBlocked(Span{double}, int, Span{double}, out int)"/> with an explicit block width (inverses stored with row stride <paramref name="bw"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryCholeskyBlocked(Span<double> a, int n, int bw, Span<double> diagonalInverses, out int failedPivot)
    {
        var pool = System.Buffers.ArrayPool<double>.Shared;
        var panelArray = pool.Rent(Math.Max(1, n * bw));
        try
        {
            for (int j0 = 0; j0 < n; j0 += bw)
            {
                int jb = Math.Min(bw, n - j0), j1 = j0 + jb, rest = n - j1;
                var inv = diagonalInverses.Slice(j0 * bw, jb * bw);
                if (!FactorAndInvertDiagonalBlock(a, n, bw, j0, jb, inv, 0, panelArray, out failedPivot)) return false;
                if (rest == 0) break;
                // Panel: L21 = A21·L11⁻ᵀ (one GEMM on a copy of A21).
                var panel = panelArray.AsSpan(0, rest * jb);
                for (int i = 0; i < rest; i++) a.Slice((j1 + i) * n + j0, jb).CopyTo(panel.Slice(i * jb, jb));
                Gemm.Multiply(false, true, rest, jb, jb, 1.0, panel, jb, inv, bw, 0.0, a[(j1 * n + j0)..], n);
                // Trailing: A22 −= L21·L21ᵀ, lower triangle only.
                Gemm.SymmetricRankK(false, rest, jb, -1.0, a[(j1 * n + j0)..], n, 1.0, a[(j1 * n + j1)..], n);
            }
        }
        finally { pool.Return(panelArray); }
        failedPivot = -1;
        return true;
    }

    /// <summary>
    /// Lower triangle of A⁻¹ = L⁻ᵀL⁻¹ into <paramref name="inverse"/> (strict upper triangle unspecified) from the
    /// factor and diagonal-block inverses of <see cref="TryCholeskyBlocked(Span{double}, int, Span{double}, out int)"/>. L⁻¹ is formed in the same buffer and
    /// overwritten block row by block row, so no second n×n buffer is needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InverseFromBlockedCholesky(ReadOnlySpan<double> l, int n, ReadOnlySpan<double> diagonalInverses, Span<double> inverse)
        => InverseFromBlockedCholesky(l, n, BlockWidth(n), diagonalInverses, inverse);

    /// <summary>
    /// Starts block row J of X = L⁻¹: its diagonal block is L_JJ⁻¹ (stored bw wide in <paramref name="diagonalInverses"/>)
    /// and everything right of it is zero; the part left of it is written by the caller's products.
    /// </summary>
    internal static void SeedInverseBlockRow(Span<double> x, int n, int bw, int j0, int jb, ReadOnlySpan<double> diagonalInverses)
    {
        var inv = diagonalInverses.Slice(j0 * bw, jb * bw);
        for (int i = 0; i < jb; i++)
        {
            var row = x.Slice((j0 + i) * n, n);
            inv.Slice(i * bw, jb).CopyTo(row[j0..]);
            row[(j0 + jb)..].Clear();
        }
    }

    /// <summary><see cref="InverseFromBlockedCholesky(ReadOnlySpan{double}, int, ReadOnlySpan{double}, Span{double})"/> with the block width the factorization used.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InverseFromBlockedCholesky(ReadOnlySpan<double> l, int n, int bw, ReadOnlySpan<double> diagonalInverses, Span<double> inverse)
    {
        var x = inverse[..(n * n)];
        var pool = System.Buffers.ArrayPool<double>.Shared;
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
                    Gemm.Multiply(false, false, jb, cw, j0 - c0, 1.0, l[(j0 * n + c0)..], n, x[(c0 * n + c0)..], n, 0.0, t[c0..], j0);
                }
                Gemm.Multiply(false, false, jb, j0, jb, -1.0, diagonalInverses.Slice(j0 * bw, jb * bw), bw, t, j0, 0.0, x[(j0 * n)..], n);
            }
            // A⁻¹ = XᵀX by block rows: for J ≤ I the blocks of X above row I are zero, so block row I of the lower
            // triangle is X_≥I,Iᵀ·X_≥I,≤I: a GEMM with a long inner dimension left of the diagonal block and a
            // lower-only rank-k update on it. Block row I reads only rows ≥ I of X, so, going down, each result is
            // staged in T and then written over the rows of X that no later block row reads.
            for (int i0 = 0; i0 < n; i0 += bw)
            {
                int ib = Math.Min(bw, n - i0), i1 = i0 + ib;
                var t = tArray.AsSpan(0, ib * i1);
                if (i0 > 0) Gemm.Multiply(true, false, ib, i0, n - i0, 1.0, x[(i0 * n + i0)..], n, x[(i0 * n)..], n, 0.0, t, i1);
                Gemm.SymmetricRankK(true, ib, n - i0, 1.0, x[(i0 * n + i0)..], n, 0.0, t[i0..], i1);
                for (int i = 0; i < ib; i++) t.Slice(i * i1, i0 + i + 1).CopyTo(x[((i0 + i) * n)..]);
            }
        }
        finally { pool.Return(tArray); }
    }

    /// <summary>
    /// Factors the m×m diagonal block at (o, o) and writes its inverse at (r, r) of <paramref name="inv"/> (row stride
    /// <paramref name="w"/>, zeros above the diagonal). Halves recursively: [L11 0; L21 L22]⁻¹ =
    /// [L11⁻¹ 0; −L22⁻¹·L21·L11⁻¹ L22⁻¹], with L21 = A21·L11⁻ᵀ and A22 −= L21·L21ᵀ as small products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool FactorAndInvertDiagonalBlock(Span<double> a, int n, int w, int o, int m, Span<double> inv, int r, double[] scratch, out int failedPivot)
    {
        if (m <= DiagonalLeaf)
        {
            if (!FactorDiagonalBlock(a, n, o, m, out failedPivot)) return false;
            InvertLowerBlock(a, n, o, m, inv[(r * w + r)..], w);
            return true;
        }
        int m1 = m / 2, m2 = m - m1;
        if (!FactorAndInvertDiagonalBlock(a, n, w, o, m1, inv, r, scratch, out failedPivot)) return false;
        var copy = scratch.AsSpan(0, m2 * m1);
        for (int i = 0; i < m2; i++) a.Slice((o + m1 + i) * n + o, m1).CopyTo(copy.Slice(i * m1, m1));
        Gemm.Multiply(false, true, m2, m1, m1, 1.0, copy, m1, inv[(r * w + r)..], w, 0.0, a[((o + m1) * n + o)..], n);
        Gemm.SymmetricRankK(false, m2, m1, -1.0, a[((o + m1) * n + o)..], n, 1.0, a[((o + m1) * n + o + m1)..], n);
        if (!FactorAndInvertDiagonalBlock(a, n, w, o + m1, m2, inv, r + m1, scratch, out failedPivot)) return false;
        // Lower-left block of the inverse: −L22⁻¹·(L21·L11⁻¹); the upper-right block is zero.
        var t = scratch.AsSpan(0, m2 * m1);
        Gemm.Multiply(false, false, m2, m1, m1, 1.0, a[((o + m1) * n + o)..], n, inv[(r * w + r)..], w, 0.0, t, m1);
        Gemm.Multiply(false, false, m2, m1, m2, -1.0, inv[((r + m1) * w + r + m1)..], w, t, m1, 0.0, inv[((r + m1) * w + r)..], w);
        for (int i = 0; i < m1; i++) inv.Slice((r + i) * w + r + m1, m2).Clear();
        return true;
    }

    /// <summary>Unblocked Cholesky of the jb×jb diagonal block at (j0, j0): row by row, each entry one contiguous dot product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool FactorDiagonalBlock(Span<double> a, int n, int j0, int jb, out int failedPivot)
    {
        for (int i = 0; i < jb; i++)
        {
            var li = a.Slice((j0 + i) * n + j0, i + 1);
            for (int j = 0; j < i; j++)
            {
                var lj = a.Slice((j0 + j) * n + j0, j);
                li[j] = (li[j] - TensorPrimitives.Dot<double>(li[..j], lj)) / a[(j0 + j) * n + j0 + j];
            }
            double d = li[i] - TensorPrimitives.Dot<double>(li[..i], li[..i]);
            if (!(d > 0)) { failedPivot = j0 + i; return false; }
            li[i] = Math.Sqrt(d);
        }
        failedPivot = -1;
        return true;
    }

    /// <summary>
    /// Inverse of the jb×jb lower-triangular block at (j0, j0) of the factor into <paramref name="inv"/> (row stride
    /// <paramref name="w"/>, zeros above the diagonal): row i of L⁻¹ is −(1/L_ii)·Σ_k&lt;i L_ik·(row k of L⁻¹), row updates vectorized.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InvertLowerBlock(ReadOnlySpan<double> a, int n, int j0, int jb, Span<double> inv, int w)
    {
        for (int i = 0; i < jb; i++)
        {
            var row = inv.Slice(i * w, jb);
            row.Clear();
            var li = a.Slice((j0 + i) * n + j0, i + 1);
            for (int k = 0; k < i; k++)
                TensorPrimitives.MultiplyAdd(inv.Slice(k * w, k + 1), li[k], row[..(k + 1)], row[..(k + 1)]);
            double r = 1.0 / li[i];
            TensorPrimitives.Multiply(row[..i], -r, row[..i]);
            row[i] = r;
        }
    }

    /// <summary>
    /// Turns the lower triangle of K⁻¹ (in <paramref name="w"/>) into the full symmetric W = ½(ααᵀ − K⁻¹), in 64×64
    /// tiles so the mirrored (strided) side stays in cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightsFromInverse(Span<double> w, ReadOnlySpan<double> a, int n)
    {
        const int tile = 64;
        for (int i0 = 0; i0 < n; i0 += tile)
        {
            int iEnd = Math.Min(i0 + tile, n);
            for (int j0 = 0; j0 <= i0; j0 += tile)
            {
                int jEnd = Math.Min(j0 + tile, n);
                for (int i = i0; i < iEnd; i++)
                {
                    double ai = 0.5 * a[i];
                    int last = Math.Min(jEnd, i + 1);
                    var row = w.Slice(i * n + j0, last - j0);
                    for (int j = 0; j < row.Length; j++)
                    {
                        double v = ai * a[j0 + j] - 0.5 * row[j];
                        row[j] = v;
                        w[(j0 + j) * n + i] = v;
                    }
                }
            }
        }
    }
}
