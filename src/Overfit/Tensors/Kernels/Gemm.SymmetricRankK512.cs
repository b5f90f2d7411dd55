using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

public static partial class Gemm
{
    /// <summary>Rows per tile of the shared-panel path: a divisor of the panel width 2·lanes, so a group never straddles panels.</summary>
    private const int SharedMR = 8;

    /// <summary>
    /// Rows [r0, r1) of the lower triangle on Vector512 hardware, with ONE packing of each KC slab: op(A) = op(B)ᵀ, so
    /// the NR-column panels of op(B) already hold, for every depth index, the values that a tile of rows broadcasts —
    /// an 8-row group is half (double) or a quarter (float) of a panel, read with the panel's stride. The general path
    /// packs every element twice (once per operand); this one once, and the micro-kernel runs 8×(2·lanes) tiles
    /// (sixteen accumulators) over the tiles that reach the diagonal or below. <paramref name="r0"/> is a multiple of 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SymmetricRowsShared<T>(Problem<T> p, int r0, int r1, bool fillUpper, T* extra = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = 2 * Vector512<T>.Count, mr = SharedMR;
        int kcMax = 256, kcCap = Math.Min(kcMax, p.K);
        int cols = r1;
        T* pack = PackBuffers<T>.B(RoundUp(cols, nr) * kcCap);
        T* tile = stackalloc T[SharedMR * 2 * Vector512<T>.Count];
        for (int pc = 0; pc < p.K; pc += kcMax)
        {
            int kc = Math.Min(kcMax, p.K - pc);
            T beta = pc == 0 ? p.Beta : T.One;
            if (extra == null) PackB(p, pc, 0, kc, cols, nr, pack);
            else PackAugmented(p, pc, kc, cols, nr, pack, extra + pc);
            for (int jr = 0; jr < cols; jr += nr)
            {
                int nrEff = Math.Min(nr, cols - jr);
                T* bPanel = pack + (nint)jr * kc;
                for (int i0 = Math.Max(r0, jr); i0 < r1; i0 += mr)
                {
                    int rows = Math.Min(mr, r1 - i0);
                    T* aGroup = pack + (nint)(i0 / nr * nr) * kc + i0 % nr;
                    T* c = p.C + (nint)i0 * p.Ldc + jr;
                    // A tile straddling the diagonal: columns past the group's last row are strictly upper, so when they
                    // make up a whole vector (the first group of a panel) only the left half of the panel is multiplied.
                    int needed = Math.Min(nrEff, i0 + rows - jr);
                    bool half = needed <= Vector512<T>.Count && needed < nrEff;
                    if (jr + nrEff - 1 <= i0 || (fillUpper && !half))
                    {
                        SharedKernel(kc, aGroup, bPanel, c, p.Ldc, rows, nrEff, p.Alpha, beta, tile);
                        continue;
                    }
                    if (half) HalfKernel(kc, aGroup, bPanel, tile, rows, p.Alpha);
                    else SharedKernel(kc, aGroup, bPanel, tile, nr, rows, nrEff, p.Alpha, T.Zero, tile);
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

    /// <summary>
    /// Packs rows [pc, pc+kc) of the augmented matrix [A | 1 | v] (A stored k×(M−2), transposed operand) into NR-column
    /// panels: the stored columns are copied, column M−2 is all ones and column M−1 holds v (already offset by pc).
    /// </summary>
    private static unsafe void PackAugmented<T>(in Problem<T> p, int pc, int kc, int cols, int nr, T* dst, T* v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stored = p.M - 2;
        for (int jr = 0; jr < cols; jr += nr)
        {
            T* panel = dst + (nint)jr * kc;
            T* src = p.A + (nint)pc * p.Lda + jr;
            if (jr + nr <= stored)
            {
                nuint bytes = (nuint)(nr * sizeof(T));
                for (int q = 0; q < kc; q++, src += p.Lda, panel += nr) Buffer.MemoryCopy(src, panel, bytes, bytes);
                continue;
            }
            for (int q = 0; q < kc; q++, src += p.Lda, panel += nr)
                for (int j = 0; j < nr; j++)
                {
                    int col = jr + j;
                    panel[j] = col >= cols ? T.Zero : col < stored ? src[j] : col == stored ? T.One : v[q];
                }
        }
    }

    /// <summary>
    /// The lower triangle of BᵀB for the k×(n+2) matrix B = [A | 1 | v] (A stored k×n row-major with row stride lda,
    /// v a k-vector) into c ((n+2)×(n+2), row stride n+2) without forming B: AᵀA, then in row n the column sums 1ᵀA
    /// and k, in row n+1 vᵀA, 1ᵀv and vᵀv. The statistics a least-squares problem needs besides AᵀA thus come out of
    /// the same packing pass over A. False (nothing done) unless the Vector512 shared-panel path is available.
    /// </summary>
    internal static unsafe bool TryAugmentedGram(ReadOnlySpan<double> a, int k, int n, int lda, ReadOnlySpan<double> v, Span<double> c)
    {
        if (SelectKernel() != GemmKernel.Vector512) return false;
        if (k < 1 || n < 1) throw new ArgumentException($"TryAugmentedGram: dimensions must be positive, got k={k}, n={n}");
        CheckOperand(a.Length, k, n, lda, nameof(a));
        if (v.Length < k) throw new ArgumentException($"TryAugmentedGram: v must hold k = {k} values, got {v.Length}", nameof(v));
        int m = n + 2;
        if (c.Length < (long)m * m) throw new ArgumentException($"TryAugmentedGram: c must hold (n+2)² = {m * m} values, got {c.Length}", nameof(c));
        fixed (double* pa = a, pv = v, pc = c)
        {
            var p = new Problem<double>(true, false, m, m, k, 1.0, pa, lda, pa, lda, 0.0, pc, m);
            long work = (long)m * m / 2 * k;
            int threads = GemmWorkers.InsideJob ? 1 : Threading.Effective;
            if (threads > 1) threads = (int)Math.Min(Math.Min(threads, k), Math.Max(1, work / ParallelThreshold));
            if (threads > 1) SymmetricDepthSplit<double, VectorKernel<double, Vector512<double>, Lanes512<double>>>(p, false, threads, pv);
            else SymmetricRowsShared(p, 0, m, false, pv);
        }
        return true;
    }

    /// <summary>
    /// 8×(2·lanes) tile: per depth step two vector loads of the B panel, eight broadcasts from the A group (stride = the
    /// panel width) and sixteen fused multiply-adds. Partial tiles go through <paramref name="scratch"/> (which may be the
    /// destination itself when it is the scratch tile: the full-tile store then applies).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SharedKernel<T>(int kc, T* a, T* b, T* c, int ldc, int rows, int cols, T alpha, T beta, T* scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count, stride = 2 * w;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            var x = Vector512.Create(a[0]); c00 = Lanes512<T>.MultiplyAddEstimate(x, b0, c00); c01 = Lanes512<T>.MultiplyAddEstimate(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Lanes512<T>.MultiplyAddEstimate(x, b0, c10); c11 = Lanes512<T>.MultiplyAddEstimate(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Lanes512<T>.MultiplyAddEstimate(x, b0, c20); c21 = Lanes512<T>.MultiplyAddEstimate(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Lanes512<T>.MultiplyAddEstimate(x, b0, c30); c31 = Lanes512<T>.MultiplyAddEstimate(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Lanes512<T>.MultiplyAddEstimate(x, b0, c40); c41 = Lanes512<T>.MultiplyAddEstimate(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Lanes512<T>.MultiplyAddEstimate(x, b0, c50); c51 = Lanes512<T>.MultiplyAddEstimate(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Lanes512<T>.MultiplyAddEstimate(x, b0, c60); c61 = Lanes512<T>.MultiplyAddEstimate(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Lanes512<T>.MultiplyAddEstimate(x, b0, c70); c71 = Lanes512<T>.MultiplyAddEstimate(x, b1, c71);
            a += stride;
            b += stride;
        }
        var va = Vector512.Create(alpha);
        bool full = rows == SharedMR && cols == stride;
        T* dst = full ? c : scratch;
        int ld = full ? ldc : stride;
        int mode = !full || beta == T.Zero ? 0 : beta == T.One ? 1 : 2;
        var vb = Vector512.Create(beta);
        VectorKernel<T, Vector512<T>, Lanes512<T>>.StoreRow(dst, w, c00, c01, va, vb, mode); dst += ld;
        VectorKernel<T, Vector512<T>, Lanes512<T>>.StoreRow(dst, w, c10, c11, va, vb, mode); dst += ld;
        VectorKernel<T, Vector512<T>, Lanes512<T>>.StoreRow(dst, w, c20, c21, va, vb, mode); dst += ld;
        VectorKernel<T, Vector512<T>, Lanes512<T>>.StoreRow(dst, w, c30, c31, va, vb, mode); dst += ld;
        VectorKernel<T, Vector512<T>, Lanes512<T>>.StoreRow(dst, w, c40, c41, va, vb, mode); dst += ld;
        VectorKernel<T, Vector512<T>, Lanes512<T>>.StoreRow(dst, w, c50, c51, va, vb, mode); dst += ld;
        VectorKernel<T, Vector512<T>, Lanes512<T>>.StoreRow(dst, w, c60, c61, va, vb, mode); dst += ld;
        VectorKernel<T, Vector512<T>, Lanes512<T>>.StoreRow(dst, w, c70, c71, va, vb, mode);
        if (!full && scratch != c) MicroKernels.StorePartial(scratch, stride, c, ldc, rows, cols, beta);
    }

    /// <summary>8×lanes tile from the left half of a panel into the scratch tile (row stride 2·lanes), alpha applied.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void HalfKernel<T>(int kc, T* a, T* b, T* tile, int rows, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count, stride = 2 * w;
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector512.Load(b);
            c0 = Lanes512<T>.MultiplyAddEstimate(Vector512.Create(a[0]), b0, c0);
            c1 = Lanes512<T>.MultiplyAddEstimate(Vector512.Create(a[1]), b0, c1);
            c2 = Lanes512<T>.MultiplyAddEstimate(Vector512.Create(a[2]), b0, c2);
            c3 = Lanes512<T>.MultiplyAddEstimate(Vector512.Create(a[3]), b0, c3);
            c4 = Lanes512<T>.MultiplyAddEstimate(Vector512.Create(a[4]), b0, c4);
            c5 = Lanes512<T>.MultiplyAddEstimate(Vector512.Create(a[5]), b0, c5);
            c6 = Lanes512<T>.MultiplyAddEstimate(Vector512.Create(a[6]), b0, c6);
            c7 = Lanes512<T>.MultiplyAddEstimate(Vector512.Create(a[7]), b0, c7);
            a += stride;
            b += stride;
        }
        var va = Vector512.Create(alpha);
        (c0 * va).Store(tile); (c1 * va).Store(tile + stride); (c2 * va).Store(tile + 2 * stride); (c3 * va).Store(tile + 3 * stride);
        (c4 * va).Store(tile + 4 * stride); (c5 * va).Store(tile + 5 * stride); (c6 * va).Store(tile + 6 * stride); (c7 * va).Store(tile + 7 * stride);
    }
}
