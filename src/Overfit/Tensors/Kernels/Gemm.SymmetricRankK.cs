using System.Numerics;
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
    /// Splits C into column strips a few micro-panels wide; strip [j0, j0+w) needs only rows i ≥ j0. The rows below the
    /// strip's diagonal block run as one ordinary blocked product straight into C; the w×w diagonal block is computed in
    /// full (into C when the upper triangle will be overwritten anyway, else into a scratch tile whose lower part is
    /// merged). Strips are dealt to threads largest first so each gets about the same number of multiply-adds.
    /// </summary>
    private static unsafe void SymmetricTiles<T, TK>(Problem<T> p, bool fillUpper) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        int n = p.M;
        int width = Math.Max(TK.NR, 32 / TK.NR * TK.NR);
        int strips = (n + width - 1) / width;
        long work = (long)n * n / 2 * p.K;
        int threads = Math.Min(Math.Max(1, MaxThreads), Environment.ProcessorCount);
        if (threads > 1) threads = (int)Math.Min(Math.Min(threads, strips), Math.Max(1, work / ParallelThreshold));
        if (threads <= 1)
        {
            for (int s = 0; s < strips; s++) SymmetricStrip<T, TK>(p, s * width, Math.Min(width, n - s * width), fillUpper);
            return;
        }
        // Strip s costs (n − s·width)·width: decreasing in s, so a greedy deal in order balances well.
        var owned = new List<int>[threads];
        var load = new long[threads];
        for (int t = 0; t < threads; t++) owned[t] = [];
        for (int s = 0; s < strips; s++)
        {
            int least = 0;
            for (int t = 1; t < threads; t++) if (load[t] < load[least]) least = t;
            owned[least].Add(s);
            load[least] += (long)(n - s * width) * width;
        }
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            foreach (int s in owned[t]) SymmetricStrip<T, TK>(p, s * width, Math.Min(width, n - s * width), fillUpper);
        });
    }

    private static unsafe void SymmetricStrip<T, TK>(Problem<T> p, int j0, int w, bool fillUpper) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        int n = p.M;
        if (fillUpper)
        {
            Blocked<T, TK>(p.Block(j0, n - j0, j0, w));
            return;
        }
        if (n - j0 - w > 0) Blocked<T, TK>(p.Block(j0 + w, n - j0 - w, j0, w));
        // Diagonal block into scratch with beta = 0, then C[i, j] = tile[i, j] + beta·C[i, j] for j ≤ i only.
        var tile = new T[w * w];
        fixed (T* pt = tile)
        {
            var diag = p.Block(j0, w, j0, w);
            Blocked<T, TK>(new Problem<T>(diag.TransA, diag.TransB, w, w, p.K, p.Alpha, diag.A, p.Lda, diag.B, p.Ldb, T.Zero, pt, w));
            for (int i = 0; i < w; i++)
            {
                T* ci = p.C + (nint)(j0 + i) * p.Ldc + j0;
                for (int j = 0; j <= i; j++)
                    ci[j] = p.Beta == T.Zero ? pt[i * w + j] : pt[i * w + j] + p.Beta * ci[j];
            }
        }
    }
}
