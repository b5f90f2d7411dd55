using System.Numerics;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The blocked Cholesky on two cores: each block column's trailing update is cut by rows into two pieces run side by
/// side, and each piece then solves its own rows of the next panel, so one block column costs one fork and one join.
/// The top piece holds the next diagonal block: it factors and inverts that block right after its update (the
/// look-ahead) and signals the bottom piece, which needs the block's inverse for its panel rows. The cut balances a
/// cost model of both pieces (the symmetric update, the diagonal block, the panel rows), so neither core idles.
/// Reached through <see cref="DenseLinalg.TryCholeskyBlocked{T}(Span{T}, int, Span{T}, out int)"/>.
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
        try
        {
            if (!FactorAndInvertDiagonalBlock(a, n, bw, 0, bw, diagonalInverses[..(bw * bw)], 0, diagonalScratch, out failedPivot)) return false;
            // The first panel, L21 = A21·L11⁻ᵀ, is one product split across the cores; later panels are solved inside
            // the pieces.
            SolvePanelRows(a, n, bw, n - bw, 0, bw, diagonalInverses[..(bw * bw)], bw);
            fixed (T* pa = a, pd = diagonalInverses)
            {
                nint aa = (nint)pa, ad = (nint)pd;
                int len = n * n, failed = -1;
                for (int j0 = 0; j0 < n; j0 += bw)
                {
                    int jb = Math.Min(bw, n - j0), j1 = j0 + jb, rest = n - j1;
                    if (rest == 0) break;
                    // This column's panel L[j1.., j0..j1) is solved. A22 −= L21·L21ᵀ (lower triangle) in two pieces: rows
                    // [j1, mid), which hold the next diagonal block [j1, j2), and rows [mid, n).
                    int nextWidth = Math.Min(bw, rest), j2 = j1 + nextWidth, col = j0;
                    int mid = ConcurrentCholeskyCut(rest, jb, nextWidth) + j1;
                    int diagonalDone = 0;
                    Gemm.Concurrently(Top, Bottom);
                    if (failed >= 0) { failedPivot = failed; return false; }

                    // Rows [r0, r1) of the next panel: L[r, j1..j2) = A[r, j1..j2)·L22⁻ᵀ (each piece its own rows of it).
                    void SolveNextPanelRows(int r0, int r1)
                    {
                        if (r1 <= r0) return;
                        var inverse = new ReadOnlySpan<T>((T*)ad + (nint)j1 * bw, nextWidth * bw);
                        SolvePanelRows(new Span<T>((T*)aa, len), n, r0, r1 - r0, j1, nextWidth, inverse, bw);
                    }

                    // Never waits, so the pieces also finish when both run in turn on one thread (Top first).
                    void Top()
                    {
                        try
                        {
                            var m = new Span<T>((T*)aa, len);
                            Gemm.RunSymmetric(false, mid - j1, jb, -T.One, m[(j1 * n + col)..], n, T.One, m[(j1 * n + j1)..], n, fillUpper: false);
                            var inverse = new Span<T>((T*)ad + (nint)j1 * bw, nextWidth * bw);
                            if (!FactorAndInvertDiagonalBlock(m, n, bw, j1, nextWidth, inverse, 0, diagonalScratch, out int pivot)) failed = pivot;
                        }
                        finally { Volatile.Write(ref diagonalDone, 1); }
                        if (failed < 0) SolveNextPanelRows(j2, mid);
                    }

                    void Bottom()
                    {
                        if (mid < n)
                        {
                            var m = new Span<T>((T*)aa, len);
                            Gemm.Run(false, true, n - mid, mid - j1, jb, -T.One, m[(mid * n + col)..], n, m[(j1 * n + col)..], n, T.One, m[(mid * n + j1)..], n);
                            Gemm.RunSymmetric(false, n - mid, jb, -T.One, m[(mid * n + col)..], n, T.One, m[(mid * n + mid)..], n, fillUpper: false);
                        }
                        var spin = new SpinWait();
                        while (Volatile.Read(ref diagonalDone) == 0) spin.SpinOnce(sleep1Threshold: -1);
                        if (failed < 0) SolveNextPanelRows(Math.Max(mid, j2), n);
                    }
                }
            }
        }
        finally
        {
            pool.Return(diagonalScratch);
        }
        failedPivot = -1;
        return true;
    }

    /// <summary>
    /// Rows of the top piece (a multiple of 8 from <paramref name="nextWidth"/> up to <paramref name="rest"/>) for one
    /// block column of width <paramref name="width"/>: the cut where the modeled costs of the two pieces meet, in
    /// multiply-adds. Top: a symmetric update of h rows (about 1.1× a general product's time per multiply-add), the
    /// next diagonal block (factor and inverse, about 2·w³ at its small-product rate) and its h − w panel rows (w²/2
    /// each). Bottom: a general product (rest − h)·h plus a symmetric update of rest − h rows, and its panel rows.
    /// </summary>
    internal static int ConcurrentCholeskyCut(int rest, int width, int nextWidth)
    {
        const double symmetricCost = 1.1, diagonalCost = 2.0;
        double w = nextWidth, panelRow = w * w / 2;
        int best = nextWidth;
        double bestGap = double.MaxValue;
        for (int h = nextWidth; ; h += 8)
        {
            h = Math.Min(h, rest);
            double b = rest - h;
            double top = symmetricCost * h * (double)h / 2 * width + diagonalCost * w * w * w + (h - w) * panelRow;
            double bottom = (b * h + symmetricCost * b * b / 2) * width + b * panelRow;
            double gap = Math.Abs(top - bottom);
            if (gap < bestGap) { bestGap = gap; best = h; }
            if (h == rest || top > bottom) break;
        }
        return best;
    }
}
