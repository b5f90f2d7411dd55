using System.Numerics;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Generic SIMD transcendental functions, picked per element type at JIT time: exp (VectorMath.Exp.cs) and the
/// log1p on [0, 1] that softplus needs.
/// </summary>
internal static partial class VectorMath
{
    // 2/(2k + 1) for k = 1.., highest first: log1p(t) = 2u + u·z·Σ 2z^(k−1)/(2k + 1) with u = t/(2 + t), z = u².
    // u ≤ 1/3 on [0, 1], so the k-th term is below 9⁻ᵏ of the leading one: 8 terms leave 2⁻³⁰ (Float32), 17 leave 2⁻⁵⁷.
    private static readonly float[] s_log1pSingle = Log1pSeries<float>(8);
    private static readonly double[] s_log1pDouble = Log1pSeries<double>(17);

    /// <summary>a·b + c with one rounding (Vector.FusedMultiplyAdd exists only for float and double lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    private static T[] Log1pSeries<T>(int terms) where T : unmanaged, IFloatingPointIeee754<T>
        => [.. Enumerable.Range(1, terms).Reverse().Select(k => T.CreateTruncating(2.0 / (2 * k + 1)))];

    /// <summary>
    /// log(1 + t) for 0 ≤ t ≤ 1 only (softplus's log1p(e^−|x|); NaN propagates) from the series of
    /// 2·atanh(u), u = t/(2 + t): the leading 2u is exact up to the rounding of u, so small t keeps full relative
    /// accuracy (log1p(t) = t where t is tiny).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log1p<T>(Vector<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var u = t / (new Vector<T>(T.CreateTruncating(2)) + t);
        var z = u * u;
        var series = typeof(T) == typeof(float)
            ? Activations.Horner(s_log1pSingle, z.As<T, float>()).As<float, T>()
            : Activations.Horner(s_log1pDouble, z.As<T, double>()).As<double, T>();
        return Fma(u * z, series, u + u);
    }
}
