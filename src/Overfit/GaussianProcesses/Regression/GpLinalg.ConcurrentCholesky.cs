using System.Runtime.CompilerServices;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// The blocked Cholesky of <see cref="GpLinalg.TryCholeskyBlocked(Span{double}, int, Span{double}, out int)"/> with its
/// trailing update cut into two pieces of about equal work run side by side, one per core, and one block of
/// look-ahead: the core with the top piece, which holds the next diagonal block, goes on to factor and invert that
/// block while the other core finishes the bottom piece, so the one-core diagonal work no longer leaves a core idle.
/// </summary>
internal static partial class GpLinalg
{
    /// <summary>Same result and contract as <see cref="TryCholeskyBlocked(Span{double}, int, Span{double}, out int)"/>.</summary>
    public static bool TryCholeskyBlockedConcurrent(Span<double> a, int n, Span<double> diagonalInverses, out int failedPivot)
        => TryCholeskyBlockedConcurrent(a, n, BlockWidth(n), diagonalInverses, out failedPivot);

    /// <summary><see cref="TryCholeskyBlockedConcurrent(Span{double}, int, Span{double}, out int)"/> with an explicit block width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe bool TryCholeskyBlockedConcurrent(Span<double> a, int n, int bw, Span<double> diagonalInverses, out int failedPivot)
    {
        if (Threading.Effective < 2 || n <= bw)
            return TryCholeskyBlocked(a, n, bw, diagonalInverses, out failedPivot);
        if (a.Length < (long)n * n || diagonalInverses.Length < (long)n * bw)
            throw new ArgumentException($"buffers too short for order {n}: matrix {a.Length}, diagonal inverses {diagonalInverses.Length}");
        var pool = System.Buffers.ArrayPool<double>.Shared;
        var diagonalScratch = pool.Rent(bw * bw);
        var panel = pool.Rent(n * bw);
        try
        {
            if (!FactorAndInvertDiagonalBlock(a, n, bw, 0, bw, diagonalInverses[..(bw * bw)], 0, diagonalScratch, out failedPivot)) return false;
            fixed (double* pa = a, pd = diagonalInverses)
            {
                nint aa = (nint)pa, ad = (nint)pd;
                int len = n * n, failed = -1;
                for (int j0 = 0; j0 < n; j0 += bw)
                {
                    int jb = Math.Min(bw, n - j0), j1 = j0 + jb, rest = n - j1;
                    if (rest == 0) break;
                    // Panel: L21 = A21·L11⁻ᵀ, one product split across the cores (on a copy of A21).
                    var copy = panel.AsSpan(0, rest * jb);
                    for (int i = 0; i < rest; i++) a.Slice((j1 + i) * n + j0, jb).CopyTo(copy.Slice(i * jb, jb));
                    Gemm.Multiply(false, true, rest, jb, jb, 1.0, copy, jb, diagonalInverses.Slice(j0 * bw, jb * bw), bw, 0.0, a[(j1 * n + j0)..], n);
                    // Trailing update A22 −= L21·L21ᵀ (lower triangle) in two pieces of about equal work, one per core:
                    // the top rows [j1, mid), which hold the next diagonal block, and then that block's factorization
                    // (the look-ahead); and the rows [mid, n).
                    int nextWidth = Math.Min(bw, rest), col = j0;
                    int mid = Math.Min(n, Math.Max(j1 + nextWidth, j1 + ((int)(rest * Math.Sqrt(0.5)) + 7) / 8 * 8));
                    Gemm.Concurrently(Top, Bottom);
                    if (failed >= 0) { failedPivot = failed; return false; }

                    void Top()
                    {
                        var m = new Span<double>((double*)aa, len);
                        Gemm.SymmetricRankK(false, mid - j1, jb, -1.0, m[(j1 * n + col)..], n, 1.0, m[(j1 * n + j1)..], n);
                        var inv = new Span<double>((double*)ad + j1 * bw, nextWidth * bw);
                        if (!FactorAndInvertDiagonalBlock(m, n, bw, j1, nextWidth, inv, 0, diagonalScratch, out int pivot)) failed = pivot;
                    }

                    void Bottom()
                    {
                        if (mid == n) return;
                        var m = new Span<double>((double*)aa, len);
                        Gemm.Multiply(false, true, n - mid, mid - j1, jb, -1.0, m[(mid * n + col)..], n, m[(j1 * n + col)..], n, 1.0, m[(mid * n + j1)..], n);
                        Gemm.SymmetricRankK(false, n - mid, jb, -1.0, m[(mid * n + col)..], n, 1.0, m[(mid * n + mid)..], n);
                    }
                }
            }
        }
        finally
        {
            pool.Return(diagonalScratch);
            pool.Return(panel);
        }
        failedPivot = -1;
        return true;
    }
}
