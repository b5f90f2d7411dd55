using System.Runtime.CompilerServices;
using System.Numerics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// A GEMM micro-kernel: multiplies an MR-row packed A panel by an NR-column packed B panel over kc steps and
/// writes C[0..mr, 0..nr] = alpha·(A·B) + beta·C (C not read when beta is zero). mr ≤ MR and nr ≤ NR at the edges.
/// </summary>
internal interface IMicroKernel<T> where T : unmanaged
{
    static abstract int MR { get; }
    static abstract int NR { get; }
    static abstract unsafe void Run(int kc, T* a, T* b, T* c, int ldc, int mr, int nr, T alpha, T beta);
}

internal static class MicroKernels
{
    /// <summary>
    /// Adds the valid mr×nr corner of a scratch tile (already scaled by alpha) into C. Every product whose sides are not
    /// multiples of the tile ends here, from its first call on: compiled optimized at once, like the kernels that call it,
    /// instead of running its element loops as unoptimized first-tier code until the tiered JIT gets to it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void StorePartial<T>(T* tile, int tileStride, T* c, int ldc, int mr, int nr, T beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < mr; i++)
        {
            T* ci = c + (nint)i * ldc;
            T* ti = tile + (nint)i * tileStride;
            if (beta == T.Zero) for (int j = 0; j < nr; j++) ci[j] = ti[j];
            else if (beta == T.One) for (int j = 0; j < nr; j++) ci[j] += ti[j];
            else for (int j = 0; j < nr; j++) ci[j] = ti[j] + beta * ci[j];
        }
    }
}

/// <summary>Portable 4×4 micro-kernel for hardware without SIMD acceleration.</summary>
internal readonly struct KernelScalar<T> : IMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 4;
    public static int NR => 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, T* a, T* b, T* c, int ldc, int mr, int nr, T alpha, T beta)
    {
        T* tile = stackalloc T[16];
        for (int i = 0; i < 16; i++) tile[i] = T.Zero;
        for (int p = 0; p < kc; p++, a += 4, b += 4)
            for (int i = 0; i < 4; i++)
            {
                T ai = a[i];
                T* ti = tile + i * 4;
                ti[0] += ai * b[0]; ti[1] += ai * b[1]; ti[2] += ai * b[2]; ti[3] += ai * b[3];
            }
        for (int i = 0; i < 16; i++) tile[i] *= alpha;
        MicroKernels.StorePartial(tile, 4, c, ldc, mr, nr, beta);
    }
}
