using System.Runtime.CompilerServices;
using System.Numerics;

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
            T* panel = dst + (nint)ir * kc;
            if (p.TransA)
            {
                // Stored A is k×m: column p of op(A) is a contiguous run of the stored row p.
                T* src = p.A + (nint)pc * p.Lda + ic + ir;
                for (int q = 0; q < kc; q++, src += p.Lda, panel += mr)
                {
                    int r = 0;
                    for (; r < rows; r++) panel[r] = src[r];
                    for (; r < mr; r++) panel[r] = T.Zero;
                }
            }
            else
            {
                T* src = p.A + (nint)(ic + ir) * p.Lda + pc;
                int r = 0;
                for (; r < rows; r++)
                {
                    T* row = src + (nint)r * p.Lda;
                    for (int q = 0; q < kc; q++) panel[q * mr + r] = row[q];
                }
                for (; r < mr; r++)
                    for (int q = 0; q < kc; q++) panel[q * mr + r] = T.Zero;
            }
        }
    }

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
            T* panel = dst + (nint)jr * kc;
            if (!p.TransB)
            {
                T* src = p.B + (nint)pc * p.Ldb + jc + jr;
                if (cols == nr)
                {
                    nuint bytes = (nuint)(nr * sizeof(T));
                    for (int q = 0; q < kc; q++, src += p.Ldb, panel += nr)
                        Buffer.MemoryCopy(src, panel, bytes, bytes);
                }
                else
                {
                    for (int q = 0; q < kc; q++, src += p.Ldb, panel += nr)
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
                T* src = p.B + (nint)(jc + jr) * p.Ldb + pc;
                int j = 0;
                for (; j < cols; j++)
                {
                    T* row = src + (nint)j * p.Ldb;
                    for (int q = 0; q < kc; q++) panel[q * nr + j] = row[q];
                }
                for (; j < nr; j++)
                    for (int q = 0; q < kc; q++) panel[q * nr + j] = T.Zero;
            }
        }
    }
}
