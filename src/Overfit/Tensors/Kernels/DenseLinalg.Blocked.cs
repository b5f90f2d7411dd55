using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Generic (Float32/Float64) blocked factorizations. Large matrices spend almost all their time in
/// <see cref="Gemm"/>: the Cholesky trailing update and the triangular-solve updates are matrix products,
/// and only narrow diagonal blocks run the unblocked loops.
/// </summary>
public static partial class DenseLinalg
{
    /// <summary>Matrices at least this large are factored by recursion over the GEMM.</summary>
    internal const int CholeskyBlockThreshold = 128;
    /// <summary>Diagonal blocks of at most this order are factored by the unblocked loop.</summary>
    private const int CholeskyLeaf = 96;
    private const int SolveBlock = 64;

    /// <summary>
    /// Recursive lower Cholesky; reads only the lower triangle, zeroes the strict upper one on success.
    /// A = [A11 ·; A21 A22]: L11 = chol(A11), L21 = A21·L11⁻ᵀ, L22 = chol(A22 − L21·L21ᵀ). Splitting in halves
    /// (rather than in fixed narrow block columns) makes the updates few large GEMMs with a long inner dimension,
    /// which the cache-blocked, threaded <see cref="Gemm"/> runs near its peak. Scratch comes from the array
    /// pool, so repeated factorizations do not allocate.
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
            // Inverses of the leaf diagonal blocks (leaf block starting at row o is stored at rows o.. of an n×leaf
            // array), and room for one copy of a panel being solved.
            var inverses = pool.Rent(n * CholeskyLeaf);
            var panel = pool.Rent(n * CholeskyLeaf + 2 * CholeskyLeaf * CholeskyLeaf);
            try
            {
                if (!RecursiveCholesky(a, n, 0, n, inverses, panel, out failedPivot)) return false;
            }
            finally
            {
                pool.Return(inverses);
                pool.Return(panel);
            }
        }
        for (int i = 0; i < n; i++) a.Slice(i * n + i + 1, n - i - 1).Clear();
        failedPivot = -1;
        return true;
    }

    /// <summary>Factors the m×m diagonal block at (o, o) of the n×n row-major matrix in place.</summary>
    private static bool RecursiveCholesky<T>(Span<T> a, int n, int o, int m, T[] inverses, T[] panel, out int failedPivot)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= CholeskyLeaf)
        {
            if (!FactorDiagonalBlock(a, n, o, m, out failedPivot)) return false;
            // The leaf's inverse serves every panel solve against this block (computed once, jb³/3 flops).
            var inverse = inverses.AsSpan(o * CholeskyLeaf, m * CholeskyLeaf);
            var l = panel.AsSpan(0, m * m);
            l.Clear();
            for (int i = 0; i < m; i++) a.Slice((o + i) * n + o, i + 1).CopyTo(l[(i * m)..]);
            var x = panel.AsSpan(m * m, m * m);
            x.Clear();
            for (int i = 0; i < m; i++) x[i * m + i] = T.One;
            SolveTriangularCore<T>(l, m, x, m, lower: true, transpose: false);
            for (int i = 0; i < m; i++) x.Slice(i * m, m).CopyTo(inverse[(i * CholeskyLeaf)..]);
            return true;
        }
        int m1 = m / 2, m2 = m - m1;
        if (!RecursiveCholesky(a, n, o, m1, inverses, panel, out failedPivot)) return false;
        int b = o + m1;
        SolveRightLowerTranspose(a, n, o, m1, b, m2, inverses, panel);                    // L21 = A21·L11⁻ᵀ
        SubtractLowerProduct(a, n, b, m2, (b * n + o), m1);                              // A22 −= L21·L21ᵀ (lower)
        return RecursiveCholesky(a, n, b, m2, inverses, panel, out failedPivot);
    }

    /// <summary>
    /// X·Lᵀ = B in place for the r rows of B at (r0, lo) (columns lo..lo+m) and L the m×m factored diagonal block
    /// at (lo, lo). Splits exactly like <see cref="RecursiveCholesky"/>, so its leaves meet the cached inverses.
    /// </summary>
    private static void SolveRightLowerTranspose<T>(Span<T> a, int n, int lo, int m, int r0, int r, T[] inverses, T[] panel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= CholeskyLeaf)
        {
            var copy = panel.AsSpan(0, r * m);
            for (int i = 0; i < r; i++) a.Slice((r0 + i) * n + lo, m).CopyTo(copy[(i * m)..]);
            Gemm.Run(false, true, r, m, m, T.One, copy, m, inverses.AsSpan(lo * CholeskyLeaf), CholeskyLeaf, T.Zero, a[((r0 * n) + lo)..], n);
            return;
        }
        int m1 = m / 2, m2 = m - m1;
        SolveRightLowerTranspose(a, n, lo, m1, r0, r, inverses, panel);                   // X1 = B1·L11⁻ᵀ
        // B2 −= X1·L21ᵀ (reads the finished left columns of the same rows; no overlap with B2).
        Gemm.Run(false, true, r, m2, m1, -T.One, a[(r0 * n + lo)..], n, a[((lo + m1) * n + lo)..], n, T.One, a[(r0 * n + lo + m1)..], n);
        SolveRightLowerTranspose(a, n, lo + m1, m2, r0, r, inverses, panel);              // X2 = B2·L22⁻ᵀ
    }

    /// <summary>
    /// C ← C − P·Pᵀ on the lower triangle of the m×m diagonal block at (c0, c0), P the m×k block at offset p.
    /// Recursion on the triangle: off-diagonal blocks are plain GEMMs, small diagonal blocks are computed in full
    /// (their strict upper part is scratch that the factorization never reads and finally zeroes).
    /// </summary>
    private static void SubtractLowerProduct<T>(Span<T> a, int n, int c0, int m, int p, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= CholeskyLeaf)
        {
            Gemm.Run(false, true, m, m, k, -T.One, a[p..], n, a[p..], n, T.One, a[(c0 * n + c0)..], n);
            return;
        }
        int m1 = m / 2, m2 = m - m1;
        SubtractLowerProduct(a, n, c0, m1, p, k);
        Gemm.Run(false, true, m2, m1, k, -T.One, a[(p + m1 * n)..], n, a[p..], n, T.One, a[((c0 + m1) * n + c0)..], n);
        SubtractLowerProduct(a, n, c0 + m1, m2, p + m1 * n, k);
    }

    /// <summary>Unblocked Cholesky of the jb×jb diagonal block at (j0, j0), by dot products of contiguous rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool FactorDiagonalBlock<T>(Span<T> a, int n, int j0, int jb, out int failedPivot) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < jb; j++)
        {
            var lj = a.Slice((j0 + j) * n + j0, j);
            T d = a[(j0 + j) * n + j0 + j] - TensorPrimitives.Dot<T>(lj, lj);
            if (!(d > T.Zero))
            {
                failedPivot = j0 + j;
                return false;
            }
            T ljj = T.Sqrt(d);
            a[(j0 + j) * n + j0 + j] = ljj;
            for (int i = j + 1; i < jb; i++)
            {
                var li = a.Slice((j0 + i) * n + j0, j);
                ref T target = ref a[(j0 + i) * n + j0 + j];
                target = (target - TensorPrimitives.Dot<T>(li, lj)) / ljj;
            }
        }
        failedPivot = -1;
        return true;
    }

    /// <summary>
    /// Solves op(T)·X = B in place (B is n×nrhs, row-major) for a triangular n×n T; op(T) = T or Tᵀ.
    /// Only the triangle named by <paramref name="lower"/> is read. Blocks of 64 rows are solved directly and
    /// the rest of B is updated with one GEMM per block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SolveTriangularCore<T>(ReadOnlySpan<T> t, int n, Span<T> b, int nrhs, bool lower, bool transpose)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0 || nrhs == 0) return;
        if (nrhs == 1) { SolveTriangularVector(t, n, b, lower, transpose); return; }
        bool forward = lower != transpose;   // op(T) is lower triangular: substitute from the top
        if (forward)
        {
            for (int i0 = 0; i0 < n; i0 += SolveBlock)
            {
                int i1 = Math.Min(n, i0 + SolveBlock);
                SolveDiagonalBlock(t, n, b, nrhs, transpose, i0, i1, forward: true);
                if (i1 < n)   // B[i1.., :] −= op(T)[i1.., i0..i1]·X[i0..i1, :]
                    Gemm.Run(transpose, false, n - i1, nrhs, i1 - i0, -T.One, OpBlock(t, n, transpose, i1, i0), n,
                        b[(i0 * nrhs)..], nrhs, T.One, b[(i1 * nrhs)..], nrhs);
            }
        }
        else
        {
            for (int i1 = n; i1 > 0; i1 -= SolveBlock)
            {
                int i0 = Math.Max(0, i1 - SolveBlock);
                SolveDiagonalBlock(t, n, b, nrhs, transpose, i0, i1, forward: false);
                if (i0 > 0)   // B[..i0, :] −= op(T)[..i0, i0..i1]·X[i0..i1, :]
                    Gemm.Run(transpose, false, i0, nrhs, i1 - i0, -T.One, OpBlock(t, n, transpose, 0, i0), n,
                        b[(i0 * nrhs)..], nrhs, T.One, b, nrhs);
            }
        }
    }

    /// <summary>
    /// One right-hand side: every step is a contiguous dot product (op(T) = T, rows of T) or a contiguous vector
    /// update (op(T) = Tᵀ, a row of T is a column of op(T)), instead of n² one-element row updates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveTriangularVector<T>(ReadOnlySpan<T> t, int n, Span<T> b, bool lower, bool transpose)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!transpose)
        {
            if (lower)
                for (int i = 0; i < n; i++) b[i] = (b[i] - TensorPrimitives.Dot(t.Slice(i * n, i), b[..i])) / t[i * n + i];
            else
                for (int i = n - 1; i >= 0; i--) b[i] = (b[i] - TensorPrimitives.Dot(t.Slice(i * n + i + 1, n - i - 1), b[(i + 1)..n])) / t[i * n + i];
        }
        else if (lower)
        {
            for (int i = n - 1; i >= 0; i--)   // Lᵀx = b: x_i is final once the later rows are eliminated
            {
                T xi = b[i] / t[i * n + i];
                b[i] = xi;
                TensorPrimitives.MultiplyAdd(t.Slice(i * n, i), -xi, b[..i], b[..i]);
            }
        }
        else
        {
            for (int i = 0; i < n; i++)   // Uᵀx = b
            {
                T xi = b[i] / t[i * n + i];
                b[i] = xi;
                var rest = b[(i + 1)..n];
                TensorPrimitives.MultiplyAdd(t.Slice(i * n + i + 1, n - i - 1), -xi, rest, rest);
            }
        }
    }

    /// <summary>The stored span that holds op(T)[r0.., c0..] (read transposed by the GEMM when op is a transpose).</summary>
    private static ReadOnlySpan<T> OpBlock<T>(ReadOnlySpan<T> t, int n, bool transpose, int r0, int c0)
        => transpose ? t[(c0 * n + r0)..] : t[(r0 * n + c0)..];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveDiagonalBlock<T>(ReadOnlySpan<T> t, int n, Span<T> b, int nrhs, bool transpose, int i0, int i1, bool forward)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int step = 0; step < i1 - i0; step++)
        {
            int i = forward ? i0 + step : i1 - 1 - step;
            var bi = b.Slice(i * nrhs, nrhs);
            int k0 = forward ? i0 : i + 1, k1 = forward ? i : i1;
            for (int k = k0; k < k1; k++)
            {
                T tik = transpose ? t[k * n + i] : t[i * n + k];
                if (tik == T.Zero) continue;
                TensorPrimitives.MultiplyAdd(b.Slice(k * nrhs, nrhs), -tik, bi, bi);
            }
            TensorPrimitives.Divide(bi, t[i * n + i], bi);
        }
    }

    internal static T LogDetFromCholeskyCore<T>(ReadOnlySpan<T> l, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.Log(double.CreateChecked(l[i * n + i]));
        return T.CreateChecked(2 * s);
    }
}
