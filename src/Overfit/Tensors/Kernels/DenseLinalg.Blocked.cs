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
    /// <summary>Matrices at least this large are factored block by block over the GEMM.</summary>
    internal const int CholeskyBlockThreshold = 128;
    private const int CholeskyBlock = 96;
    private const int SolveBlock = 64;

    /// <summary>Right-looking blocked lower Cholesky; reads only the lower triangle, zeroes the strict upper one on success.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryCholeskyCore<T>(Span<T> a, int n, out int failedPivot) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nb = n >= CholeskyBlockThreshold ? CholeskyBlock : Math.Max(n, 1);
        for (int j0 = 0; j0 < n; j0 += nb)
        {
            int jb = Math.Min(nb, n - j0);
            if (!FactorDiagonalBlock(a, n, j0, jb, out failedPivot)) return false;
            int below = j0 + jb;
            if (below >= n) break;
            SolvePanel(a, n, j0, jb);
            // Trailing update of the lower triangle, A22 ← A22 − A21·A21ᵀ, by row strips so only the
            // lower block triangle (plus the diagonal blocks) is computed.
            const int strip = 192;
            for (int i0 = below; i0 < n; i0 += strip)
            {
                int rows = Math.Min(strip, n - i0);
                int cols = i0 + rows - below;
                Gemm.Run(false, true, rows, cols, jb, -T.One, a[(i0 * n + j0)..], n, a[(below * n + j0)..], n,
                    T.One, a[(i0 * n + below)..], n);
            }
        }
        for (int i = 0; i < n; i++) a.Slice(i * n + i + 1, n - i - 1).Clear();
        failedPivot = -1;
        return true;
    }

    /// <summary>
    /// Panel step A21 ← A21·L11⁻ᵀ for the rows below the diagonal block at (j0, j0). Solved as L11·Yᵀ = A21ᵀ on
    /// transposed copies, so the inner loops are long row updates over all panel rows (SIMD friendly) rather
    /// than many short dot products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolvePanel<T>(Span<T> a, int n, int j0, int jb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int below = j0 + jb, rows = n - below;
        var l11 = new T[jb * jb];
        for (int i = 0; i < jb; i++) a.Slice((j0 + i) * n + j0, i + 1).CopyTo(l11.AsSpan(i * jb));
        var y = new T[jb * rows];
        for (int r = 0; r < rows; r++)
        {
            var src = a.Slice((below + r) * n + j0, jb);
            for (int j = 0; j < jb; j++) y[j * rows + r] = src[j];
        }
        SolveTriangularCore<T>(l11, jb, y, rows, lower: true, transpose: false);
        for (int r = 0; r < rows; r++)
        {
            var dst = a.Slice((below + r) * n + j0, jb);
            for (int j = 0; j < jb; j++) dst[j] = y[j * rows + r];
        }
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
