using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// 6×(2·lanes) register-blocked micro-kernel on Vector256: twelve accumulators stay in registers for the whole
/// k loop; each step loads two B vectors, broadcasts six A values and issues twelve fused multiply-adds.
/// </summary>
internal readonly struct Kernel256<T> : IMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 6;
    public static int NR => 2 * Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, T* a, T* b, T* c, int ldc, int mr, int nr, T alpha, T beta)
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + w);
            var x = Vector256.Create(a[0]); c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Fma(x, b0, c40); c41 = Fma(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Fma(x, b0, c50); c51 = Fma(x, b1, c51);
            a += 6;
            b += 2 * w;
        }
        var va = Vector256.Create(alpha);
        if (mr == 6 && nr == 2 * w)
        {
            int mode = beta == T.Zero ? 0 : beta == T.One ? 1 : 2;
            var vb = Vector256.Create(beta);
            StoreRow(c, w, c00, c01, va, vb, mode); c += ldc;
            StoreRow(c, w, c10, c11, va, vb, mode); c += ldc;
            StoreRow(c, w, c20, c21, va, vb, mode); c += ldc;
            StoreRow(c, w, c30, c31, va, vb, mode); c += ldc;
            StoreRow(c, w, c40, c41, va, vb, mode); c += ldc;
            StoreRow(c, w, c50, c51, va, vb, mode);
            return;
        }
        // Edge tile: spill alpha·acc to a scratch tile and copy the valid part.
        int nrFull = 2 * w;
        T* tile = stackalloc T[6 * 2 * Vector256<T>.Count];
        (c00 * va).Store(tile); (c01 * va).Store(tile + w);
        (c10 * va).Store(tile + nrFull); (c11 * va).Store(tile + nrFull + w);
        (c20 * va).Store(tile + 2 * nrFull); (c21 * va).Store(tile + 2 * nrFull + w);
        (c30 * va).Store(tile + 3 * nrFull); (c31 * va).Store(tile + 3 * nrFull + w);
        (c40 * va).Store(tile + 4 * nrFull); (c41 * va).Store(tile + 4 * nrFull + w);
        (c50 * va).Store(tile + 5 * nrFull); (c51 * va).Store(tile + 5 * nrFull + w);
        MicroKernels.StorePartial(tile, nrFull, c, ldc, mr, nr, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow(T* c, int w, Vector256<T> acc0, Vector256<T> acc1, Vector256<T> alpha, Vector256<T> beta, int mode)
    {
        if (mode == 0)
        {
            (acc0 * alpha).Store(c);
            (acc1 * alpha).Store(c + w);
        }
        else if (mode == 1)
        {
            Fma(acc0, alpha, Vector256.Load(c)).Store(c);
            Fma(acc1, alpha, Vector256.Load(c + w)).Store(c + w);
        }
        else
        {
            Fma(acc0, alpha, Vector256.Load(c) * beta).Store(c);
            Fma(acc1, alpha, Vector256.Load(c + w) * beta).Store(c + w);
        }
    }

    /// <summary>x·y + acc, fused where the hardware has FMA (the type tests fold away when the JIT specializes T).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> acc)
    {
        if (typeof(T) == typeof(float))
            return Vector256.MultiplyAddEstimate(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.MultiplyAddEstimate(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        return x * y + acc;
    }
}
