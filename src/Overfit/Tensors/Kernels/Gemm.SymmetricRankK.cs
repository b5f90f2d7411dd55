using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Overfit.Tensors.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Symmetric rank-k update on row-major spans: C = alpha·AᵀA + beta·C (<paramref name="transA"/> true, A stored
    /// k×n) or C = alpha·A·Aᵀ + beta·C (A stored n×k). Only the lower triangle of the n×n result (j ≤ i) is computed,
    /// about half the work of <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>;
    /// the strictly upper triangle is left unchanged, or overwritten with the mirror of the lower one when
    /// <paramref name="fillUpper"/> is set (the result is then exactly symmetric). When beta is zero, C is only written.
    /// </summary>
    public static void SymmetricRankK(bool transA, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        float beta, Span<float> c, int ldc, bool fillUpper = false)
        => RunSymmetric(transA, n, k, alpha, a, lda, beta, c, ldc, fillUpper);

    /// <inheritdoc cref="SymmetricRankK(bool, int, int, float, ReadOnlySpan{float}, int, float, Span{float}, int, bool)"/>
    public static void SymmetricRankK(bool transA, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        double beta, Span<double> c, int ldc, bool fillUpper = false)
        => RunSymmetric(transA, n, k, alpha, a, lda, beta, c, ldc, fillUpper);

    internal static unsafe void RunSymmetric<T>(bool transA, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        T beta, Span<T> c, int ldc, bool fillUpper) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n < 0 || k < 0)
            throw new ArgumentException($"SymmetricRankK: dimensions must be non-negative, got n={n}, k={k}");
        CheckOperand(a.Length, transA ? k : n, transA ? n : k, lda, nameof(a));
        CheckOperand(c.Length, n, n, ldc, nameof(c));
        if (n == 0) return;
        fixed (T* pa = &MemoryMarshal.GetReference(a))
        fixed (T* pc = &MemoryMarshal.GetReference(c))
        {
            if (k == 0 || alpha == T.Zero) ScaleLower(pc, n, ldc, beta);
            else
            {
                // op(A)·op(B) with op(B) = op(A)ᵀ: the same stored matrix read with the opposite transposition.
                var p = new Problem<T>(transA, !transA, n, n, k, alpha, pa, lda, pa, lda, beta, pc, ldc);
                switch (SelectKernel())
                {
                    case GemmKernel.Vector512: SymmetricTiles<T, Kernel512<T>>(p, fillUpper); break;
                    case GemmKernel.Vector256: SymmetricTiles<T, Kernel256<T>>(p, fillUpper); break;
                    case GemmKernel.Vector128: SymmetricTiles<T, Kernel128<T>>(p, fillUpper); break;
                    default: SymmetricTiles<T, KernelScalar<T>>(p, fillUpper); break;
                }
            }
            if (fillUpper)
                for (int i = 1; i < n; i++)
                    for (int j = 0; j < i; j++) pc[(nint)j * ldc + i] = pc[(nint)i * ldc + j];
        }
    }

    private static unsafe void ScaleLower<T>(T* c, int n, int ldc, T beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                ref T v = ref c[(nint)i * ldc + j];
                v = beta == T.Zero ? T.Zero : beta * v;
            }
    }

    /// <summary>
    /// Splits the rows of C into one contiguous range per thread with about the same share of the lower triangle
    /// (boundaries at n·√(t/T)); each thread then runs <see cref="SymmetricRows{T, TK}"/> on its range.
    /// </summary>
    private static unsafe void SymmetricTiles<T, TK>(Problem<T> p, bool fillUpper) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        int n = p.M, mr = TK.MR;
        long work = (long)n * n / 2 * p.K;
        // Inside a job of GemmWorkers the other cores are busy with its sibling jobs (as in the driver).
        int threads = GemmWorkers.InsideJob ? 1 : Math.Min(Math.Max(1, MaxThreads), Environment.ProcessorCount);
        if (threads > 1) threads = (int)Math.Min(Math.Min(threads, (n + mr - 1) / mr), Math.Max(1, work / ParallelThreshold));
        if (threads <= 1)
        {
            SymmetricRows<T, TK>(p, 0, n, fillUpper);
            return;
        }
        var bounds = new int[threads + 1];
        for (int t = 1; t < threads; t++) bounds[t] = Math.Min(n, RoundUp((int)(n * Math.Sqrt((double)t / threads)), mr));
        bounds[threads] = n;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            if (bounds[t + 1] > bounds[t]) SymmetricRows<T, TK>(p, bounds[t], bounds[t + 1], fillUpper);
        });
    }

    /// <summary>
    /// Rows [r0, r1) of the lower triangle, blocked like <see cref="Blocked{T, TK}"/>: per KC slab the columns [0, r1)
    /// of op(B) are packed once and each MC-row block of op(A) once (so every element is packed once per slab, not once
    /// per tile column), and the micro-kernel runs only the MR×NR tiles that reach the diagonal or below. A tile that
    /// straddles the diagonal is computed in full: straight into C when the upper triangle will be overwritten by the
    /// mirror anyway, else into a scratch tile whose lower part is merged, leaving the upper triangle untouched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SymmetricRows<T, TK>(Problem<T> p, int r0, int r1, bool fillUpper) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        int mr = TK.MR, nr = TK.NR;
        int kcMax = 256, mcMax = Math.Max(mr, 96 / mr * mr);
        int kcCap = Math.Min(kcMax, p.K);
        int cols = r1;
        T* packA = PackBuffers<T>.A(Math.Min(mcMax, RoundUp(r1 - r0, mr)) * kcCap);
        T* packB = PackBuffers<T>.B(RoundUp(cols, nr) * kcCap);
        T* tile = stackalloc T[mr * nr];
        for (int pc = 0; pc < p.K; pc += kcMax)
        {
            int kc = Math.Min(kcMax, p.K - pc);
            T beta = pc == 0 ? p.Beta : T.One;
            PackB(p, pc, 0, kc, cols, nr, packB);
            for (int ic = r0; ic < r1; ic += mcMax)
            {
                int mc = Math.Min(mcMax, r1 - ic);
                PackA(p, ic, pc, mc, kc, mr, packA);
                int colEnd = ic + mc;   // columns at or beyond the block's last row + 1 are strictly upper
                for (int jr = 0; jr < colEnd; jr += nr)
                {
                    int nrEff = Math.Min(nr, colEnd - jr);
                    T* bPanel = packB + (nint)jr * kc;
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int i0 = ic + ir, rows = Math.Min(mr, mc - ir);
                        if (jr > i0 + rows - 1) continue;   // tile wholly above the diagonal
                        T* aPanel = packA + (nint)ir * kc;
                        T* c = p.C + (nint)i0 * p.Ldc + jr;
                        if (fillUpper || jr + nrEff - 1 <= i0)
                        {
                            TK.Run(kc, aPanel, bPanel, c, p.Ldc, rows, nrEff, p.Alpha, beta);
                            continue;
                        }
                        TK.Run(kc, aPanel, bPanel, tile, nr, rows, nrEff, p.Alpha, T.Zero);
                        for (int r = 0; r < rows; r++)
                        {
                            T* cr = c + (nint)r * p.Ldc;
                            int last = Math.Min(nrEff - 1, i0 + r - jr);
                            for (int j = 0; j <= last; j++)
                                cr[j] = beta == T.Zero ? tile[r * nr + j] : tile[r * nr + j] + beta * cr[j];
                        }
                    }
                }
            }
        }
    }
}
