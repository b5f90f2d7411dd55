using System.Numerics;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The blocked Cholesky with its trailing update cut into two pieces of about equal work run side by side, one per
/// core, and one block of look-ahead: the core with the top piece, which holds the next diagonal block, goes on to
/// factor and invert that block while the other core finishes the bottom piece, so the one-core diagonal work no
/// longer leaves a core idle. Reached through <see cref="DenseLinalg.TryCholeskyBlocked{T}(Span{T}, int, Span{T}, out int)"/>.
/// </summary>
public static partial class DenseLinalg
{
    /// <summary>Same result and contract as <see cref="TryCholeskySplit{T}"/>; needs n &gt; bw and buffers already checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe bool TryCholeskyConcurrent<T>(Span<T> a, int n, int bw, Span<T> diagonalInverses, out int failedPivot)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var pool = System.Buffers.ArrayPool<T>.Shared;
        var diagonalScratch = pool.Rent(checked((int)((long)bw * bw)));
        var panel = pool.Rent(checked((int)((long)n * bw)));
        try
        {
            if (!FactorAndInvertDiagonalBlock(a, n, bw, 0, bw, diagonalInverses[..(bw * bw)], 0, diagonalScratch, out failedPivot)) return false;
            fixed (T* pa = a, pd = diagonalInverses)
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
                    Gemm.RunTriangular(TriangleClip.UpperB, false, true, rest, jb, jb, T.One, copy, jb, diagonalInverses.Slice(j0 * bw, jb * bw), bw, T.Zero, a[(j1 * n + j0)..], n);
                    // Trailing update A22 −= L21·L21ᵀ (lower triangle) in two pieces of about equal work, one per core:
                    // the top rows [j1, mid), which hold the next diagonal block, and then that block's factorization
                    // (the look-ahead); and the rows [mid, n).
                    int nextWidth = Math.Min(bw, rest), col = j0;
                    int mid = Math.Min(n, Math.Max(j1 + nextWidth, j1 + ((int)(rest * Math.Sqrt(0.5)) + 7) / 8 * 8));
                    Gemm.Concurrently(Top, Bottom);
                    if (failed >= 0) { failedPivot = failed; return false; }

                    void Top()
                    {
                        var m = new Span<T>((T*)aa, len);
                        Gemm.RunSymmetric(false, mid - j1, jb, -T.One, m[(j1 * n + col)..], n, T.One, m[(j1 * n + j1)..], n, fillUpper: false);
                        var inv = new Span<T>((T*)ad + j1 * bw, nextWidth * bw);
                        if (!FactorAndInvertDiagonalBlock(m, n, bw, j1, nextWidth, inv, 0, diagonalScratch, out int pivot)) failed = pivot;
                    }

                    void Bottom()
                    {
                        if (mid == n) return;
                        var m = new Span<T>((T*)aa, len);
                        Gemm.Run(false, true, n - mid, mid - j1, jb, -T.One, m[(mid * n + col)..], n, m[(j1 * n + col)..], n, T.One, m[(mid * n + j1)..], n);
                        Gemm.RunSymmetric(false, n - mid, jb, -T.One, m[(mid * n + col)..], n, T.One, m[(mid * n + mid)..], n, fillUpper: false);
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
