using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>Which register-blocked micro-kernel runs the product.</summary>
internal enum GemmKernel { Auto, Vector512, Vector256, Vector128, Scalar }

/// <summary>
/// Which operand of a product is triangular, so that each micro-tile runs only over the k where that operand can be
/// nonzero (BLAS trmm inside the GEMM driver). Named by the k each tile of C at rows [i0, i1) and columns [j0, j1) needs.
/// </summary>
internal enum TriangleClip
{
    /// <summary>A general product.</summary>
    None,
    /// <summary>op(A) is lower triangular (square, m = k): k &lt; i1.</summary>
    LowerA,
    /// <summary>op(A) is upper triangular (square, m = k): k ≥ i0.</summary>
    UpperA,
    /// <summary>op(B) is lower triangular (square, k = n): k ≥ j0.</summary>
    LowerB,
    /// <summary>op(B) is upper triangular (square, k = n): k &lt; j1.</summary>
    UpperB,
}

/// <summary>One GEMM call, with raw pointers to the pinned operands (alive for the duration of the call).</summary>
internal readonly unsafe struct Problem<T>(bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda,
    T* b, int ldb, T beta, T* c, int ldc, TriangleClip clip = TriangleClip.None) where T : unmanaged
{
    public readonly bool TransA = transA, TransB = transB;
    public readonly int M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc;
    public readonly T Alpha = alpha, Beta = beta;
    public readonly T* A = a, B = b, C = c;
    public readonly TriangleClip Clip = clip;

    /// <summary>The sub-product for rows [i0, i0+rows) and columns [j0, j0+cols) of C.</summary>
    public Problem<T> Block(int i0, int rows, int j0, int cols) => new(TransA, TransB, rows, cols, K, Alpha,
        TransA ? A + i0 : A + (nint)i0 * Lda, Lda,
        TransB ? B + (nint)j0 * Ldb : B + j0, Ldb,
        Beta, C + (nint)i0 * Ldc + j0, Ldc, Clip);
}

public static partial class Gemm
{
    /// <summary>
    /// Below this many multiply-adds (m·n·k) a product runs on the calling thread: forking costs more than it saves.
    /// Each further multiple adds a thread, so two threads start at twice this: 2^21, where the MLP's 128×128×192 forward
    /// product (3.1M) ran 1.6-1.8× faster on two threads than on one (Float32 and Float64, 2-core AVX-512); at 2^21
    /// (two threads from 4.2M) it stayed on one.
    /// </summary>
    internal const long ParallelThreshold = 1L << 20;

    internal static GemmKernel SelectKernel()
    {
        if (Vector512.IsHardwareAccelerated) return GemmKernel.Vector512;
        if (Vector256.IsHardwareAccelerated) return GemmKernel.Vector256;
        if (Vector128.IsHardwareAccelerated) return GemmKernel.Vector128;
        return GemmKernel.Scalar;
    }

    /// <summary>Splits a large product into independent blocks of C (columns when C is wide, rows when tall), one per thread.</summary>
    private static unsafe void Dispatch<T, TK>(Problem<T> p) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        long work = (long)p.M * p.N * p.K;
        // A product started from inside a job of a parallel region (one of two concurrent products) stays on its thread.
        int threads = GemmWorkers.InsideJob ? 1 : Threading.Effective;
        if (threads > 1) threads = (int)Math.Min(threads, Math.Max(1, work / ParallelThreshold));
        // A triangular operand is never cut along its own dimension (the tiles' k ranges stay absolute, the halves equal).
        bool splitColumns = p.Clip switch { TriangleClip.LowerA or TriangleClip.UpperA => true, TriangleClip.LowerB or TriangleClip.UpperB => false, _ => p.N >= p.M };
        int unit = splitColumns ? TK.NR : TK.MR;
        int extent = splitColumns ? p.N : p.M;
        threads = Math.Min(threads, (extent + unit - 1) / unit);
        if (threads <= 1)
        {
            Blocked<T, TK>(p);
            return;
        }
        int units = (extent + unit - 1) / unit;
        GemmWorkers.Run(threads, t =>
        {
            int u0 = (int)((long)units * t / threads), u1 = (int)((long)units * (t + 1) / threads);
            int s0 = u0 * unit, s1 = Math.Min(extent, u1 * unit);
            if (s1 <= s0) return;
            var block = splitColumns ? p.Block(0, p.M, s0, s1 - s0) : p.Block(s0, s1 - s0, 0, p.N);
            Blocked<T, TK>(block);
        });
    }

    /// <summary>
    /// Cache-blocked product on one thread: a KC×NC slab of B is packed into NR-column panels (kept in L2),
    /// an MC×KC block of A into MR-row panels, and the micro-kernel sweeps MR×NR tiles of C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Blocked<T, TK>(Problem<T> p) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        int mr = TK.MR, nr = TK.NR;
        // NC bounds the packed B slab to a few MB.
        int kcMax = SlabDepth;
        int mcMax = Math.Max(mr, 96 / mr * mr);
        int ncMax = Math.Max(nr, 2048 / nr * nr);
        int kcCap = Math.Min(kcMax, p.K);
        int mcCap = Math.Min(mcMax, RoundUp(p.M, mr));
        int ncCap = Math.Min(ncMax, RoundUp(p.N, nr));
        T* packA = PackBuffers<T>.A(mcCap * kcCap);
        T* packB = PackBuffers<T>.B(ncCap * kcCap);
        var clip = p.Clip;
        // With one slab of k no clipped tile is skipped (the triangle is square), so beta goes to the kernel as usual.
        bool clippedSlabs = clip != TriangleClip.None && p.K > kcMax;
        if (clippedSlabs && p.Beta != T.One)
        {
            // A clipped tile may skip the first slab, so beta is applied up front and every slab accumulates.
            for (int i = 0; i < p.M; i++)
            {
                var ci = new Span<T>(p.C + (nint)i * p.Ldc, p.N);
                if (p.Beta == T.Zero) ci.Clear(); else TensorPrimitives.Multiply(ci, p.Beta, ci);
            }
        }
        for (int jc = 0; jc < p.N; jc += ncMax)
        {
            int nc = Math.Min(ncMax, p.N - jc);
            for (int pc = 0; pc < p.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, p.K - pc);
                if ((clip == TriangleClip.LowerB && pc + kc <= jc) || (clip == TriangleClip.UpperB && pc >= jc + nc)) continue;
                T beta = clippedSlabs || pc > 0 ? T.One : p.Beta;
                PackB(p, pc, jc, kc, nc, nr, packB);
                for (int ic = 0; ic < p.M; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, p.M - ic);
                    if ((clip == TriangleClip.LowerA && pc >= ic + mc) || (clip == TriangleClip.UpperA && pc + kc <= ic)) continue;
                    PackA(p, ic, pc, mc, kc, mr, packA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nrEff = Math.Min(nr, nc - jr);
                        T* bPanel = packB + (nint)jr * kc;
                        T* cCol = p.C + (nint)ic * p.Ldc + jc + jr;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mrEff = Math.Min(mr, mc - ir), k0 = 0, k1 = kc;
                            switch (clip)
                            {
                                case TriangleClip.LowerA: k1 = Math.Min(kc, ic + ir + mrEff - pc); break;
                                case TriangleClip.UpperA: k0 = Math.Max(0, ic + ir - pc); break;
                                case TriangleClip.LowerB: k0 = Math.Max(0, jc + jr - pc); break;
                                case TriangleClip.UpperB: k1 = Math.Min(kc, jc + jr + nrEff - pc); break;
                            }
                            if (k1 <= k0) continue;
                            TK.Run(k1 - k0, packA + (nint)ir * kc + (nint)k0 * mr, bPanel + (nint)k0 * nr, cCol + (nint)ir * p.Ldc, p.Ldc,
                                mrEff, nrEff, p.Alpha, beta);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Depth of one packed slab of k (KC): 256 keeps one packed B micro-panel (KC×NR: 32 KB for both dtypes on
    /// Vector512) in L1 while the MC×KC block of A (~96-192 KB) sits in L2.
    /// </summary>
    internal const int SlabDepth = 256;

    private static int RoundUp(int x, int unit) => (x + unit - 1) / unit * unit;

    /// <summary>
    /// Per-thread pinned packing buffers, grown on demand and reused across calls, each starting on a 64-byte boundary:
    /// the micro-kernel reads the packed B panel one full vector at a time, and a 512-bit load that straddles two cache
    /// lines costs two (an array's data is only 16-byte aligned, so which way a run went depended on where the GC put it).
    /// </summary>
    private static unsafe class PackBuffers<T> where T : unmanaged
    {
        private const int Alignment = 64;
        [ThreadStatic] private static T[]? s_a;
        [ThreadStatic] private static T[]? s_b;

        public static T* A(int length) => Get(ref s_a, length);
        public static T* B(int length) => Get(ref s_b, length);

        private static T* Get(ref T[]? buffer, int length)
        {
            int slack = Alignment / sizeof(T);
            if (buffer is null || buffer.Length < length + slack)
                buffer = GC.AllocateUninitializedArray<T>(Math.Max(length, 64) + slack, pinned: true);
            nint start = (nint)Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(buffer));
            return (T*)((start + Alignment - 1) & ~(nint)(Alignment - 1));
        }
    }
}
