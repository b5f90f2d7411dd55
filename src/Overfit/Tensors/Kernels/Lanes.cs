using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The lane operations the elementwise math (exp, sigmoid) is written against, for one vector type: <see cref="Vector{T}"/>
/// (256-bit here, the JIT's default even on AVX-512 machines) and <see cref="Vector512{T}"/> (used where
/// <see cref="Vector512.IsHardwareAccelerated"/>; PyTorch runs these kernels on 512-bit lanes too). The math is written
/// once, generic over the lane type; every member is inlined, so it compiles to the same instructions as hand-written code.
/// Masks are vectors of <typeparamref name="T"/> with all bits set where the comparison holds. It extends the lane
/// width the GEMM micro-kernel is written against (<see cref="IVectorWidth{TV, T}"/>: loads, stores, broadcasts, products),
/// so one adapter per vector type serves both.
/// </summary>
internal interface ILanes<TV, T> : IVectorWidth<TV, T> where TV : struct where T : unmanaged
{
    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Divide(TV a, TV b);
    /// <summary>a·b + c with one rounding.</summary>
    static abstract TV Fma(TV a, TV b, TV c);
    static abstract TV Abs(TV a);
    /// <summary>The hardware minimum (NaN handling as the instruction has it; callers clamp only finite bounds).</summary>
    static abstract TV MinNative(TV a, TV b);
    /// <summary>The hardware maximum (see <see cref="MinNative"/>).</summary>
    static abstract TV MaxNative(TV a, TV b);
    /// <summary>Round to nearest, ties to even.</summary>
    static abstract TV Round(TV a);
    static abstract TV Floor(TV a);
    static abstract TV GreaterThanOrEqual(TV a, TV b);
    static abstract TV LessThan(TV a, TV b);
    static abstract TV IsEqual(TV a, TV b);
    static abstract TV Select(TV mask, TV whereSet, TV whereClear);
    static abstract bool AllLessThanOrEqual(TV a, TV b);
    static abstract bool AllLessThan(TV a, TV b);
    static abstract bool AnyLessThan(TV a, TV b);
    static abstract bool AllGreaterThanOrEqual(TV a, TV b);
    /// <summary>
    /// 2^k for integral k in the normal exponent range, built in floating point: k + (bias + 2^mantissaBits) holds the
    /// biased exponent in its low mantissa bits, which a shift moves into the exponent field (dropping the rest). No
    /// float-to-int conversion: with one, the precompiled library code stayed in the loop, 2× slower.
    /// </summary>
    static abstract TV PowerOfTwo(TV k);
}

/// <summary>Polynomials on <see cref="ILanes{TV, T}"/>.</summary>
internal static class LanePolynomial
{
    /// <summary>Horner's rule Σ c[i]·z^(n−1−i) with one FMA per coefficient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Horner<TV, L, T>(T[] c, TV z) where TV : struct where L : ILanes<TV, T> where T : unmanaged
    {
        var p = L.Broadcast(c[0]);
        for (int i = 1; i < c.Length; i++) p = L.Fma(p, z, L.Broadcast(c[i]));
        return p;
    }
}

/// <summary><see cref="ILanes{TV, T}"/> on <see cref="Vector{T}"/>.</summary>
internal readonly struct VectorLanes<T> : ILanes<Vector<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector<T> Load(T* p) => Vector.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector<T> v, T* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> Broadcast(T x) => new(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> Add(Vector<T> a, Vector<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> Subtract(Vector<T> a, Vector<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> Multiply(Vector<T> a, Vector<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> Divide(Vector<T> a, Vector<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> Fma(Vector<T> a, Vector<T> b, Vector<T> c) => VectorMath.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MultiplyAddEstimate(Vector<T> x, Vector<T> y, Vector<T> acc)
    {
        if (typeof(T) == typeof(float)) return Vector.MultiplyAddEstimate(x.As<T, float>(), y.As<T, float>(), acc.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector.MultiplyAddEstimate(x.As<T, double>(), y.As<T, double>(), acc.As<T, double>()).As<double, T>();
        return x * y + acc;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> Abs(Vector<T> a) => Vector.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> MinNative(Vector<T> a, Vector<T> b) => Vector.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> MaxNative(Vector<T> a, Vector<T> b) => Vector.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> GreaterThanOrEqual(Vector<T> a, Vector<T> b) => Vector.GreaterThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> IsEqual(Vector<T> a, Vector<T> b) => Vector.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> Select(Vector<T> mask, Vector<T> whereSet, Vector<T> whereClear) => Vector.ConditionalSelect(mask, whereSet, whereClear);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<T> LessThan(Vector<T> a, Vector<T> b) => Vector.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllLessThanOrEqual(Vector<T> a, Vector<T> b) => Vector.LessThanOrEqualAll(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllLessThan(Vector<T> a, Vector<T> b) => Vector.LessThanAll(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyLessThan(Vector<T> a, Vector<T> b) => Vector.LessThanAny(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllGreaterThanOrEqual(Vector<T> a, Vector<T> b) => Vector.GreaterThanOrEqualAll(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Round(Vector<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector.Round(a.As<T, float>()).As<float, T>();
        return Vector.Round(a.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Floor(Vector<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector.Floor(a.As<T, float>()).As<float, T>();
        return Vector.Floor(a.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> PowerOfTwo(Vector<T> k)
    {
        if (typeof(T) == typeof(float))
            return Vector.ShiftLeft((k.As<T, float>() + new Vector<float>(127 + 8388608f)).As<float, int>(), 23).As<int, T>();
        return Vector.ShiftLeft((k.As<T, double>() + new Vector<double>(1023 + 4503599627370496.0)).As<double, long>(), 52).As<long, T>();
    }
}

/// <summary><see cref="ILanes{TV, T}"/> on <see cref="Vector512{T}"/>; also the GEMM micro-kernel's 512-bit width.</summary>
internal readonly struct Lanes512<T> : ILanes<Vector512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector512<T> Load(T* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector512<T> v, T* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Broadcast(T x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Subtract(Vector512<T> a, Vector512<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Divide(Vector512<T> a, Vector512<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Abs(Vector512<T> a) => Vector512.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> MinNative(Vector512<T> a, Vector512<T> b) => Vector512.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> MaxNative(Vector512<T> a, Vector512<T> b) => Vector512.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> GreaterThanOrEqual(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> IsEqual(Vector512<T> a, Vector512<T> b) => Vector512.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Select(Vector512<T> mask, Vector512<T> whereSet, Vector512<T> whereClear) => Vector512.ConditionalSelect(mask, whereSet, whereClear);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> LessThan(Vector512<T> a, Vector512<T> b) => Vector512.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllLessThanOrEqual(Vector512<T> a, Vector512<T> b) => Vector512.LessThanOrEqualAll(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllLessThan(Vector512<T> a, Vector512<T> b) => Vector512.LessThanAll(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyLessThan(Vector512<T> a, Vector512<T> b) => Vector512.LessThanAny(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllGreaterThanOrEqual(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThanOrEqualAll(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAddEstimate(Vector512<T> x, Vector512<T> y, Vector512<T> acc)
    {
        if (typeof(T) == typeof(float)) return Vector512.MultiplyAddEstimate(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.MultiplyAddEstimate(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        return x * y + acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Round(Vector512<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector512.Round(a.AsSingle()).As<float, T>();
        return Vector512.Round(a.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Floor(Vector512<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector512.Floor(a.AsSingle()).As<float, T>();
        return Vector512.Floor(a.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> PowerOfTwo(Vector512<T> k)
    {
        if (typeof(T) == typeof(float))
            return Vector512.ShiftLeft((k.AsSingle() + Vector512.Create(127 + 8388608f)).AsInt32(), 23).As<int, T>();
        return Vector512.ShiftLeft((k.AsDouble() + Vector512.Create(1023 + 4503599627370496.0)).AsInt64(), 52).As<long, T>();
    }
}
