using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>The few vector operations the GEMM micro-kernel needs, for one hardware vector width (128, 256 or 512 bits).</summary>
internal interface IVectorWidth<TV, T> where T : unmanaged
{
    static abstract int Count { get; }
    static abstract unsafe TV Load(T* p);
    static abstract unsafe void Store(TV v, T* p);
    static abstract TV Broadcast(T x);
    static abstract TV Multiply(TV x, TV y);
    /// <summary>x·y + acc, fused where the hardware has FMA (one rounding or two, whichever is faster).</summary>
    static abstract TV MultiplyAddEstimate(TV x, TV y, TV acc);
}

internal readonly struct Width256<T> : IVectorWidth<Vector256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector256<T> Load(T* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector256<T> v, T* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Broadcast(T x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Multiply(Vector256<T> x, Vector256<T> y) => x * y;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAddEstimate(Vector256<T> x, Vector256<T> y, Vector256<T> acc)
    {
        if (typeof(T) == typeof(float)) return Vector256.MultiplyAddEstimate(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.MultiplyAddEstimate(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        return x * y + acc;
    }
}

internal readonly struct Width128<T> : IVectorWidth<Vector128<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector128<T> Load(T* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector128<T> v, T* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Broadcast(T x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Multiply(Vector128<T> x, Vector128<T> y) => x * y;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAddEstimate(Vector128<T> x, Vector128<T> y, Vector128<T> acc)
    {
        if (typeof(T) == typeof(float)) return Vector128.MultiplyAddEstimate(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector128.MultiplyAddEstimate(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        return x * y + acc;
    }
}

/// <summary>
/// 6×(2·lanes) register-blocked micro-kernel written once over the vector width <typeparamref name="TW"/>: twelve
/// accumulators stay in registers for the whole k loop; each step loads two B vectors, broadcasts six A values and
/// issues twelve fused multiply-adds. The JIT specializes it per width, so each instantiation is the hand-written kernel.
/// </summary>
internal readonly struct VectorKernel<T, TV, TW> : IMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where TW : IVectorWidth<TV, T>
{
    public static int MR => 6;
    public static int NR => 2 * TW.Count;

    /// <summary>
    /// A full tile goes straight to C; an edge tile (mr &lt; 6 or nr &lt; 2·lanes) is computed into a scratch tile whose
    /// valid corner is then added to C.
    /// </summary>
    public static unsafe void Run(int kc, T* a, T* b, T* c, int ldc, int mr, int nr, T alpha, T beta)
    {
        int nrFull = 2 * TW.Count;
        if (mr == 6 && nr == nrFull)
        {
            Tile(kc, a, b, c, ldc, alpha, beta);
            return;
        }
        T* tile = stackalloc T[6 * 2 * TW.Count];
        Tile(kc, a, b, tile, nrFull, alpha, T.Zero);
        MicroKernels.StorePartial(tile, nrFull, c, ldc, mr, nr, beta);
    }

    /// <summary>
    /// The 6×(2·lanes) tile C = alpha·A·B + beta·C. Kept apart from the edge handling (and never inlined into it): with
    /// the scratch tile and the call in the same method, the register allocator, when it has no profile data (tiered
    /// PGO or tiered compilation turned off), kept the twelve accumulators on the stack and stored and reloaded them on
    /// every step of the k loop, which made every product about four times slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Tile(int kc, T* a, T* b, T* c, int ldc, T alpha, T beta)
    {
        int w = TW.Count;
        TV c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TV c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = TW.Load(b);
            var b1 = TW.Load(b + w);
            var x = TW.Broadcast(a[0]); c00 = TW.MultiplyAddEstimate(x, b0, c00); c01 = TW.MultiplyAddEstimate(x, b1, c01);
            x = TW.Broadcast(a[1]); c10 = TW.MultiplyAddEstimate(x, b0, c10); c11 = TW.MultiplyAddEstimate(x, b1, c11);
            x = TW.Broadcast(a[2]); c20 = TW.MultiplyAddEstimate(x, b0, c20); c21 = TW.MultiplyAddEstimate(x, b1, c21);
            x = TW.Broadcast(a[3]); c30 = TW.MultiplyAddEstimate(x, b0, c30); c31 = TW.MultiplyAddEstimate(x, b1, c31);
            x = TW.Broadcast(a[4]); c40 = TW.MultiplyAddEstimate(x, b0, c40); c41 = TW.MultiplyAddEstimate(x, b1, c41);
            x = TW.Broadcast(a[5]); c50 = TW.MultiplyAddEstimate(x, b0, c50); c51 = TW.MultiplyAddEstimate(x, b1, c51);
            a += 6;
            b += 2 * w;
        }
        var va = TW.Broadcast(alpha);
        int mode = beta == T.Zero ? 0 : beta == T.One ? 1 : 2;
        var vb = TW.Broadcast(beta);
        StoreRow(c, w, c00, c01, va, vb, mode); c += ldc;
        StoreRow(c, w, c10, c11, va, vb, mode); c += ldc;
        StoreRow(c, w, c20, c21, va, vb, mode); c += ldc;
        StoreRow(c, w, c30, c31, va, vb, mode); c += ldc;
        StoreRow(c, w, c40, c41, va, vb, mode); c += ldc;
        StoreRow(c, w, c50, c51, va, vb, mode);
    }

    /// <summary>
    /// Writes one register row (two vectors) to C: mode 0 stores alpha·acc, mode 1 adds it to C (beta = 1), mode 2
    /// scales C by beta first. Shared with the rank-k update's kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void StoreRow(T* c, int w, TV acc0, TV acc1, TV alpha, TV beta, int mode)
    {
        if (mode == 0)
        {
            TW.Store(TW.Multiply(acc0, alpha), c);
            TW.Store(TW.Multiply(acc1, alpha), c + w);
        }
        else if (mode == 1)
        {
            TW.Store(TW.MultiplyAddEstimate(acc0, alpha, TW.Load(c)), c);
            TW.Store(TW.MultiplyAddEstimate(acc1, alpha, TW.Load(c + w)), c + w);
        }
        else
        {
            TW.Store(TW.MultiplyAddEstimate(acc0, alpha, TW.Multiply(TW.Load(c), beta)), c);
            TW.Store(TW.MultiplyAddEstimate(acc1, alpha, TW.Multiply(TW.Load(c + w), beta)), c + w);
        }
    }
}
