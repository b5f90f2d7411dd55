using System.Numerics;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Generic front ends to the SIMD transcendental functions of <see cref="Vector"/> (exp, log), picked per
/// element type at JIT time, and the activations built on them.
/// </summary>
internal static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector.Exp(v.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector.Exp(v.As<T, double>()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log<T>(Vector<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector.Log(v.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector.Log(v.As<T, double>()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>
    /// log(1 + t) for finite t ≥ 0 without the cancellation of log(1 + t) at small t: with u = 1 + t rounded,
    /// log1p(t) = log(u)·t/(u − 1), which corrects for the rounding of u (and is t itself where u rounds to 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log1p<T>(Vector<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var u = Vector<T>.One + t;
        var um1 = u - Vector<T>.One;
        var corrected = Log(u) * (t / um1);
        return Vector.ConditionalSelect(Vector.Equals(um1, Vector<T>.Zero), t, corrected);
    }

    /// <summary>Scalar twin of <see cref="Log1p{T}(Vector{T})"/> for the tails of SIMD loops.</summary>
    public static T Log1p<T>(T t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = T.One + t;
        T um1 = u - T.One;
        return um1 == T.Zero ? t : T.Log(u) * (t / um1);
    }
}
