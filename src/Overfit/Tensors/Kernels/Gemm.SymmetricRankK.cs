using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    internal static void RunSymmetric<T>(bool transA, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        T beta, Span<T> c, int ldc, bool fillUpper) where T : unmanaged, IFloatingPointIeee754<T>
        => RunSymmetricWith(GemmKernel.Auto, transA, n, k, alpha, a, lda, beta, c, ldc, fillUpper);

    /// <summary><see cref="RunSymmetric{T}"/> on a chosen micro-kernel (the test seam, as <see cref="RunWith{T}"/>).</summary>
    internal static unsafe void RunSymmetricWith<T>(GemmKernel kernel, bool transA, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
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
                switch (kernel == GemmKernel.Auto ? SelectKernel() : kernel)
                {
                    case GemmKernel.Vector512: SymmetricTiles<T, VectorKernel<T, Vector512<T>, Lanes512<T>>>(p, fillUpper); break;
                    case GemmKernel.Vector256: SymmetricTiles<T, VectorKernel<T, Vector256<T>, Width256<T>>>(p, fillUpper); break;
                    case GemmKernel.Vector128: SymmetricTiles<T, VectorKernel<T, Vector128<T>, Width128<T>>>(p, fillUpper); break;
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
    /// Above this depth-to-order ratio (k ≥ ratio·n, a tall AᵀA such as a Gram matrix of many samples) the threads split
    /// the sum over k instead of the rows of C: every thread then packs only its own share of A once, where a split of
    /// the rows makes each thread pack (nearly) all of A, and the shares of the triangle are equal by construction.
    /// </summary>
    private const int DepthSplitRatio = 4;

    /// <summary>
    /// Picks the threads and the way to share the lower triangle among them: by depth for tall products
    /// (<see cref="SymmetricDepthSplit{T, TK}"/>), else one contiguous range of rows per thread with about the same
    /// share of the triangle (boundaries at n·√(t/T)); each thread runs <see cref="TriangleRows{T, TK}"/>.
    /// </summary>
    private static unsafe void SymmetricTiles<T, TK>(Problem<T> p, bool fillUpper) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        int n = p.M, mr = typeof(TK) == typeof(VectorKernel<T, Vector512<T>, Lanes512<T>>) ? SharedMR : TK.MR;
        long work = (long)n * n / 2 * p.K;
        // Inside a job of GemmWorkers the other cores are busy with its sibling jobs (as in the driver).
        int threads = GemmWorkers.InsideJob ? 1 : Threading.Effective;
        if (threads > 1) threads = (int)Math.Min(threads, Math.Max(1, work / ParallelThreshold));
        if (threads > 1 && p.K >= (long)DepthSplitRatio * n)
        {
            SymmetricDepthSplit<T, TK>(p, fillUpper, threads);
            return;
        }
        if (threads > 1) threads = Math.Min(threads, (n + mr - 1) / mr);
        if (threads <= 1)
        {
            TriangleRows<T, TK>(p, 0, n, fillUpper);
            return;
        }
        var bounds = new int[threads + 1];
        for (int t = 1; t < threads; t++) bounds[t] = Math.Min(n, RoundUp((int)(n * Math.Sqrt((double)t / threads)), mr));
        bounds[threads] = n;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            if (bounds[t + 1] > bounds[t]) TriangleRows<T, TK>(p, bounds[t], bounds[t + 1], fillUpper);
        });
    }

    /// <summary>
    /// Thread t sums the products over its slice [k·t/T, k·(t+1)/T) of the depth: the first thread straight into C
    /// (with beta), the others into scratch triangles that are then added to C's lower triangle.
    /// </summary>
    private static unsafe void SymmetricDepthSplit<T, TK>(Problem<T> p, bool fillUpper, int threads, T* extra = null) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        int n = p.M;
        nint extraAddress = (nint)extra;
        var scratch = DepthScratch<T>.Get((threads - 1) * n * n);
        nint scratchAddress = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(scratch));
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                T* sp = (T*)scratchAddress;
                int k0 = (int)((long)p.K * t / threads), k1 = (int)((long)p.K * (t + 1) / threads);
                // Stored A is k×n when op(A) = Aᵀ (the slice is a block of rows), else n×k (a block of columns).
                T* a = p.TransA ? p.A + (nint)k0 * p.Lda : p.A + k0;
                var part = t == 0
                    ? new Problem<T>(p.TransA, p.TransB, n, n, k1 - k0, p.Alpha, a, p.Lda, a, p.Lda, p.Beta, p.C, p.Ldc)
                    : new Problem<T>(p.TransA, p.TransB, n, n, k1 - k0, p.Alpha, a, p.Lda, a, p.Lda, T.Zero, sp + (nint)(t - 1) * n * n, n);
                T* partExtra = extraAddress == 0 ? null : (T*)extraAddress + k0;
                if (k1 > k0) TriangleRows<T, TK>(part, 0, n, t == 0 && fillUpper, partExtra);   // scratch: only its lower part is read
                else if (t > 0) new Span<T>(part.C, n * n).Clear();
                else ScaleLower(p.C, n, p.Ldc, p.Beta);
            });
            T* sp = (T*)scratchAddress;
            for (int t = 1; t < threads; t++)
            {
                T* part = sp + (nint)(t - 1) * n * n;
                for (int i = 0; i < n; i++) AddRow(part + (nint)i * n, p.C + (nint)i * p.Ldc, i + 1);
            }
        }
    }

    /// <summary>Rows [r0, r1) of the lower triangle: the shared-panel path on Vector512, the general one otherwise.</summary>
    private static unsafe void TriangleRows<T, TK>(Problem<T> p, int r0, int r1, bool fillUpper, T* extra = null) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        if (typeof(TK) == typeof(VectorKernel<T, Vector512<T>, Lanes512<T>>)) SymmetricRowsShared(p, r0, r1, fillUpper, extra);
        else SymmetricRows<T, TK>(p, r0, r1, fillUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddRow<T>(T* src, T* dst, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        for (; j <= length - Vector<T>.Count; j += Vector<T>.Count)
            (Vector.Load(dst + j) + Vector.Load(src + j)).Store(dst + j);
        for (; j < length; j++) dst[j] += src[j];
    }

    /// <summary>Scratch triangles of the depth split, reused by the calling thread (pinned: the workers read them by pointer).</summary>
    private static class DepthScratch<T> where T : unmanaged
    {
        [ThreadStatic] private static T[]? s_buffer;

        public static T[] Get(int length)
        {
            if (s_buffer is null || s_buffer.Length < length) s_buffer = GC.AllocateUninitializedArray<T>(length, pinned: true);
            return s_buffer;
        }
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
