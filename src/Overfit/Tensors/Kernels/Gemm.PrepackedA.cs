using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Products that share one long left operand: the operand is packed once into MR-row panels that span all of its
/// columns, and each product then reads a column range [k0, k0 + k) of it in place. A sequence of products
/// C_c = A[:, k0_c..]·B_c (a block row times column chunks, as in a blocked triangular inverse) otherwise repacks A
/// for every chunk. Single-threaded: meant to be run side by side, one product per core.
/// </summary>
public static partial class Gemm
{
    /// <summary>Length of the buffer <see cref="PackRowPanels"/> fills for an m×k operand.</summary>
    internal static int PackedRowPanelsLength(int m, int k) => RoundUp(m, PrepackedRowUnit()) * k;

    /// <summary>
    /// Packs the m×k matrix op(<paramref name="a"/>) (row-major, row stride <paramref name="lda"/>; stored k×m when
    /// <paramref name="transA"/>) into MR-row panels over all k columns: panel r starts at r·MR·k and holds, for each
    /// column q, the MR values of that column (zero past row m).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void PackRowPanels(bool transA, ReadOnlySpan<double> a, int lda, int m, int k, Span<double> packed)
    {
        CheckOperand(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
        int mr = PrepackedRowUnit();
        if (packed.Length < RoundUp(m, mr) * k)
            throw new ArgumentException($"PackRowPanels: packed buffer needs {RoundUp(m, mr) * k} values for {m}×{k}, got {packed.Length}", nameof(packed));
        if (m == 0 || k == 0) return;
        fixed (double* pa = &MemoryMarshal.GetReference(a))
        fixed (double* pp = &MemoryMarshal.GetReference(packed))
        {
            // One panel of all k columns is exactly what PackA writes for a single MR-row block with kc = k.
            var p = new Problem<double>(transA, false, m, 0, k, 1.0, pa, lda, null, 0, 0.0, null, 0);
            for (int ir = 0; ir < m; ir += mr)
                PackA(p, ir, 0, Math.Min(mr, m - ir), k, mr, pp + (nint)ir * k);
        }
    }

    /// <summary>
    /// C = alpha·A[:, k0..k0+k)·B + beta·C with A given packed by <see cref="PackRowPanels"/> (m rows, packedK columns);
    /// B is row-major k×n. Same result as <see cref="Multiply(bool, bool, int, int, int, double, ReadOnlySpan{double}, int, ReadOnlySpan{double}, int, double, Span{double}, int)"/>
    /// on the unpacked columns, up to summation order. When beta is zero, C is only written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void MultiplyPrepackedA(int m, int n, int k, double alpha, ReadOnlySpan<double> packedA, int packedK, int k0,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0 || k0 < 0 || k0 + k > packedK)
            throw new ArgumentException($"MultiplyPrepackedA: need non-negative m, n, k, k0 with k0 + k <= packedK, got m={m}, n={n}, k={k}, k0={k0}, packedK={packedK}");
        if (packedA.Length < RoundUp(m, PrepackedRowUnit()) * packedK)
            throw new ArgumentException($"MultiplyPrepackedA: packed operand needs {RoundUp(m, PrepackedRowUnit()) * packedK} values, got {packedA.Length}", nameof(packedA));
        CheckOperand(b.Length, k, n, ldb, nameof(b));
        CheckOperand(c.Length, m, n, ldc, nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            ScaleRows(c, m, n, ldc, beta);
            return;
        }
        fixed (double* pa = &MemoryMarshal.GetReference(packedA))
        fixed (double* pb = &MemoryMarshal.GetReference(b))
        fixed (double* pc = &MemoryMarshal.GetReference(c))
        {
            var p = new Problem<double>(false, false, m, n, k, alpha, pa, packedK, pb, ldb, beta, pc, ldc);
            switch (SelectKernel())
            {
                case GemmKernel.Vector512: BlockedPrepackedA<double, Kernel512<double>>(p, k0); break;
                case GemmKernel.Vector256: BlockedPrepackedA<double, Kernel256<double>>(p, k0); break;
                case GemmKernel.Vector128: BlockedPrepackedA<double, Kernel128<double>>(p, k0); break;
                default: BlockedPrepackedA<double, KernelScalar<double>>(p, k0); break;
            }
        }
    }

    /// <summary>Row-panel height of the kernel <see cref="SelectKernel"/> picks now (packing and product must agree).</summary>
    private static int PrepackedRowUnit() => SelectKernel() switch
    {
        GemmKernel.Vector512 => Kernel512<double>.MR,
        GemmKernel.Vector256 => Kernel256<double>.MR,
        GemmKernel.Vector128 => Kernel128<double>.MR,
        _ => KernelScalar<double>.MR,
    };

    /// <summary>
    /// <see cref="Blocked{T, TK}"/> without packing A: p.A is the packed operand and p.Lda its full column count.
    /// As there, an MC-row block of a KC slab stays in L2 while one packed B micro-panel sits in L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void BlockedPrepackedA<T, TK>(Problem<T> p, int k0) where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
    {
        int mr = TK.MR, nr = TK.NR;
        int kcMax = 256;
        int mcMax = Math.Max(mr, 96 / mr * mr);
        int ncMax = Math.Max(nr, 2048 / nr * nr);
        int kcCap = Math.Min(kcMax, p.K);
        int ncCap = Math.Min(ncMax, RoundUp(p.N, nr));
        T* packB = PackBuffers<T>.B(ncCap * kcCap);
        long panelStride = (long)mr * p.Lda;
        for (int jc = 0; jc < p.N; jc += ncMax)
        {
            int nc = Math.Min(ncMax, p.N - jc);
            for (int pc = 0; pc < p.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, p.K - pc);
                T beta = pc == 0 ? p.Beta : T.One;
                PackB(p, pc, jc, kc, nc, nr, packB);
                T* aSlab = p.A + (nint)(k0 + pc) * mr;
                for (int ic = 0; ic < p.M; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, p.M - ic);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nrEff = Math.Min(nr, nc - jr);
                        T* bPanel = packB + (nint)jr * kc;
                        T* cCol = p.C + (nint)ic * p.Ldc + jc + jr;
                        for (int ir = 0; ir < mc; ir += mr)
                            TK.Run(kc, aSlab + (nint)((ic + ir) / mr * panelStride), bPanel, cCol + (nint)ir * p.Ldc, p.Ldc,
                                Math.Min(mr, mc - ir), nrEff, p.Alpha, beta);
                    }
                }
            }
        }
    }
}
