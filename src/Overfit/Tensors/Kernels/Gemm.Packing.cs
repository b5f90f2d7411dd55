using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Overfit.Tensors.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Packs op(A)[ic..ic+mc, pc..pc+kc] into MR-row panels: panel r holds, for each p, the MR values of column p
    /// (zero-padded past the last row), so the micro-kernel reads A strictly sequentially.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackA<T>(in Problem<T> p, int ic, int pc, int mc, int kc, int mr, T* dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            // A triangular op(A) packs only the depths its tile reads (the driver's clip); the rest of the panel is never read.
            var (q0, q1) = PackedDepths(p.Clip, ic + ir, rows, pc, kc);
            if (q1 <= q0) continue;
            int depth = q1 - q0;
            T* panel = dst + (nint)ir * kc + (nint)q0 * mr;
            if (p.TransA)
            {
                // Stored A is k×m: column p of op(A) is a contiguous run of the stored row p.
                T* src = p.A + (nint)(pc + q0) * p.Lda + ic + ir;
                for (int q = 0; q < depth; q++, src += p.Lda, panel += mr)
                {
                    int r = 0;
                    for (; r < rows; r++) panel[r] = src[r];
                    for (; r < mr; r++) panel[r] = T.Zero;
                }
            }
            else
            {
                T* src = p.A + (nint)(ic + ir) * p.Lda + pc + q0;
                if (typeof(T) == typeof(float) && rows == 6 && mr == 6 && Avx.IsSupported)
                {
                    PackRowsTransposed6((float*)src, p.Lda, depth, (float*)panel);
                    continue;
                }
                if (typeof(T) == typeof(double) && rows == 6 && mr == 6 && Avx.IsSupported)
                {
                    PackRowsTransposed6((double*)src, p.Lda, depth, (double*)panel);
                    continue;
                }
                int r = 0;
                for (; r < rows; r++)
                {
                    T* row = src + (nint)r * p.Lda;
                    for (int q = 0; q < depth; q++) panel[q * mr + r] = row[q];
                }
                for (; r < mr; r++)
                    for (int q = 0; q < depth; q++) panel[q * mr + r] = T.Zero;
            }
        }
    }

    /// <summary>
    /// The depths [q0, q1) of the slab starting at depth <paramref name="pc"/> (kc deep) that the micro-tiles of the
    /// panel at absolute row (A side) or column (B side) <paramref name="start"/>, <paramref name="count"/> wide, read
    /// under <paramref name="clip"/>: the same bounds as the driver's per-tile clip, so packing skips the zero triangle.
    /// A clip of the other operand leaves the whole slab.
    /// </summary>
    private static (int Q0, int Q1) PackedDepths(TriangleClip clip, int start, int count, int pc, int kc, bool onB = false) => (clip, onB) switch
    {
        (TriangleClip.LowerA, false) => (0, Math.Min(kc, start + count - pc)),
        (TriangleClip.UpperA, false) => (Math.Max(0, start - pc), kc),
        (TriangleClip.LowerB, true) => (Math.Max(0, start - pc), kc),
        (TriangleClip.UpperB, true) => (0, Math.Min(kc, start + count - pc)),
        _ => (0, kc),
    };

    /// <summary>
    /// Packs op(B)[pc..pc+kc, jc..jc+nc] into NR-column panels: panel j holds, for each p, the NR values of row p
    /// (zero-padded past the last column).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackB<T>(in Problem<T> p, int pc, int jc, int kc, int nc, int nr, T* dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            // A triangular op(B) packs only the depths its tiles read (the driver's clip); the rest is never read.
            var (q0, q1) = PackedDepths(p.Clip, jc + jr, cols, pc, kc, onB: true);
            if (q1 <= q0) continue;
            int depth = q1 - q0;
            T* panel = dst + (nint)jr * kc + (nint)q0 * nr;
            if (!p.TransB)
            {
                T* src = p.B + (nint)(pc + q0) * p.Ldb + jc + jr;
                if (cols == nr)
                {
                    nuint bytes = (nuint)(nr * sizeof(T));
                    for (int q = 0; q < depth; q++, src += p.Ldb, panel += nr)
                        Buffer.MemoryCopy(src, panel, bytes, bytes);
                }
                else
                {
                    for (int q = 0; q < depth; q++, src += p.Ldb, panel += nr)
                    {
                        int j = 0;
                        for (; j < cols; j++) panel[j] = src[j];
                        for (; j < nr; j++) panel[j] = T.Zero;
                    }
                }
            }
            else
            {
                // Stored B is n×k: column j of op(B) is the contiguous stored row j.
                T* src = p.B + (nint)(jc + jr) * p.Ldb + pc + q0;
                if (typeof(T) == typeof(float) && cols == nr && nr % 8 == 0 && Avx.IsSupported)
                {
                    for (int j0 = 0; j0 < nr; j0 += 8)
                        PackRowsTransposed8((float*)src + (nint)j0 * p.Ldb, p.Ldb, depth, (float*)panel + j0, nr);
                    continue;
                }
                if (typeof(T) == typeof(double) && cols == nr && nr % 4 == 0 && Avx.IsSupported)
                {
                    for (int j0 = 0; j0 < nr; j0 += 4)
                        PackRowsTransposed4((double*)src + (nint)j0 * p.Ldb, p.Ldb, depth, (double*)panel + j0, nr);
                    continue;
                }
                int j = 0;
                for (; j < cols; j++)
                {
                    T* row = src + (nint)j * p.Ldb;
                    for (int q = 0; q < depth; q++) panel[q * nr + j] = row[q];
                }
                for (; j < nr; j++)
                    for (int q = 0; q < depth; q++) panel[q * nr + j] = T.Zero;
            }
        }
    }

    /// <summary>
    /// dst[q·ldd + r] = src[r·lds + q] for r &lt; 8, q &lt; kc: eight stored rows become kc groups of eight, by 8×8
    /// register transposes (a scalar gather here cost as much as the multiply-adds of a short product).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackRowsTransposed8(float* src, int lds, int kc, float* dst, int ldd)
    {
        int q = 0;
        for (; q + 8 <= kc; q += 8)
        {
            float* s = src + q;
            Transpose8(Avx.LoadVector256(s), Avx.LoadVector256(s + lds), Avx.LoadVector256(s + 2 * lds), Avx.LoadVector256(s + 3 * lds),
                Avx.LoadVector256(s + 4 * lds), Avx.LoadVector256(s + 5 * lds), Avx.LoadVector256(s + 6 * lds), Avx.LoadVector256(s + 7 * lds),
                out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
            float* d = dst + (nint)q * ldd;
            Avx.Store(d, o0); Avx.Store(d + ldd, o1); Avx.Store(d + 2 * ldd, o2); Avx.Store(d + 3 * ldd, o3);
            Avx.Store(d + 4 * ldd, o4); Avx.Store(d + 5 * ldd, o5); Avx.Store(d + 6 * ldd, o6); Avx.Store(d + 7 * ldd, o7);
        }
        for (; q < kc; q++)
            for (int r = 0; r < 8; r++) dst[(nint)q * ldd + r] = src[(nint)r * lds + q];
    }

    /// <summary>The MR = 6 A panel: dst[q·6 + r] = src[r·lds + q] for r &lt; 6, by 8×8 transposes with two zero rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackRowsTransposed6(float* src, int lds, int kc, float* dst)
    {
        int q = 0;
        var zero = Vector256<float>.Zero;
        for (; q + 8 <= kc; q += 8)
        {
            float* s = src + q;
            Transpose8(Avx.LoadVector256(s), Avx.LoadVector256(s + lds), Avx.LoadVector256(s + 2 * lds), Avx.LoadVector256(s + 3 * lds),
                Avx.LoadVector256(s + 4 * lds), Avx.LoadVector256(s + 5 * lds), zero, zero,
                out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
            float* d = dst + (nint)q * 6;
            Store6(d, o0); Store6(d + 6, o1); Store6(d + 12, o2); Store6(d + 18, o3);
            Store6(d + 24, o4); Store6(d + 30, o5); Store6(d + 36, o6); Store6(d + 42, o7);
        }
        for (; q < kc; q++)
            for (int r = 0; r < 6; r++) dst[(nint)q * 6 + r] = src[(nint)r * lds + q];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store6(float* d, Vector256<float> v)
    {
        Sse.Store(d, v.GetLower());
        Unsafe.WriteUnaligned(d + 4, v.GetUpper().AsDouble().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        out Vector256<float> o0, out Vector256<float> o1, out Vector256<float> o2, out Vector256<float> o3,
        out Vector256<float> o4, out Vector256<float> o5, out Vector256<float> o6, out Vector256<float> o7)
    {
        // Pairs of rows interleaved, then quadruples, then the 128-bit halves swapped into place.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        o0 = Avx.Permute2x128(s0, s4, 0x20); o1 = Avx.Permute2x128(s1, s5, 0x20);
        o2 = Avx.Permute2x128(s2, s6, 0x20); o3 = Avx.Permute2x128(s3, s7, 0x20);
        o4 = Avx.Permute2x128(s0, s4, 0x31); o5 = Avx.Permute2x128(s1, s5, 0x31);
        o6 = Avx.Permute2x128(s2, s6, 0x31); o7 = Avx.Permute2x128(s3, s7, 0x31);
    }

    /// <summary>Float64: dst[q·ldd + r] = src[r·lds + q] for r &lt; 4, q &lt; kc, by 4×4 register transposes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackRowsTransposed4(double* src, int lds, int kc, double* dst, int ldd)
    {
        int q = 0;
        for (; q + 4 <= kc; q += 4)
        {
            double* s = src + q;
            Transpose4(Avx.LoadVector256(s), Avx.LoadVector256(s + lds), Avx.LoadVector256(s + 2 * lds), Avx.LoadVector256(s + 3 * lds),
                out var o0, out var o1, out var o2, out var o3);
            double* d = dst + (nint)q * ldd;
            Avx.Store(d, o0); Avx.Store(d + ldd, o1); Avx.Store(d + 2 * ldd, o2); Avx.Store(d + 3 * ldd, o3);
        }
        for (; q < kc; q++)
            for (int r = 0; r < 4; r++) dst[(nint)q * ldd + r] = src[(nint)r * lds + q];
    }

    /// <summary>The Float64 MR = 6 A panel: rows 0–3 by a 4×4 transpose, rows 4–5 by interleaving pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackRowsTransposed6(double* src, int lds, int kc, double* dst)
    {
        int q = 0;
        for (; q + 4 <= kc; q += 4)
        {
            double* s = src + q;
            Transpose4(Avx.LoadVector256(s), Avx.LoadVector256(s + lds), Avx.LoadVector256(s + 2 * lds), Avx.LoadVector256(s + 3 * lds),
                out var o0, out var o1, out var o2, out var o3);
            var r4 = Avx.LoadVector256(s + 4 * lds);
            var r5 = Avx.LoadVector256(s + 5 * lds);
            var lo = Avx.UnpackLow(r4, r5);  // (r4[q], r5[q]) | (r4[q+2], r5[q+2])
            var hi = Avx.UnpackHigh(r4, r5); // (r4[q+1], r5[q+1]) | (r4[q+3], r5[q+3])
            double* d = dst + (nint)q * 6;
            Avx.Store(d, o0); Sse2.Store(d + 4, lo.GetLower());
            Avx.Store(d + 6, o1); Sse2.Store(d + 10, hi.GetLower());
            Avx.Store(d + 12, o2); Sse2.Store(d + 16, lo.GetUpper());
            Avx.Store(d + 18, o3); Sse2.Store(d + 22, hi.GetUpper());
        }
        for (; q < kc; q++)
            for (int r = 0; r < 6; r++) dst[(nint)q * 6 + r] = src[(nint)r * lds + q];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4(Vector256<double> r0, Vector256<double> r1, Vector256<double> r2, Vector256<double> r3,
        out Vector256<double> o0, out Vector256<double> o1, out Vector256<double> o2, out Vector256<double> o3)
    {
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        o0 = Avx.Permute2x128(t0, t2, 0x20); o1 = Avx.Permute2x128(t1, t3, 0x20);
        o2 = Avx.Permute2x128(t0, t2, 0x31); o3 = Avx.Permute2x128(t1, t3, 0x31);
    }
}
