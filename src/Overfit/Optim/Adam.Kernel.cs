using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Overfit.Tensors.Kernels;

namespace Overfit.Optim;

/// <summary>The per-step constants of one Adam update (already in the parameter's precision).</summary>
internal readonly record struct AdamScalars<T>(T Beta1, T Beta2, T OneMinusBeta1, T OneMinusBeta2, T Eps, T Bc2Sqrt, T StepSize, T WeightDecay)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>1/<see cref="Bc2Sqrt"/> rounded, for <see cref="KnownDivisor"/>'s division by it.</summary>
    public T Bc2Reciprocal { get; } = T.One / Bc2Sqrt;

    /// <summary>Whether the gradient gets the term wd·θ (<see cref="CoupledDecay"/>).</summary>
    public bool Decays => WeightDecay != T.Zero;
}

/// <summary>
/// x/d for a divisor d known before the dividends, rounded as the division rounds (to nearest), without a division:
/// with r = RN(1/d), q = RN(x·r) is within an ulp of x/d, the residual x − q·d is exact in one FMA, and RN(q + residual·r)
/// is RN(x/d) (Markstein's theorem; Muller, "Accelerating floating-point division when the divisor is known in
/// advance", 2002). Three pipelined operations in place of a 512-bit division, which issues about once per ten cycles.
/// Where x is ±∞ or NaN the residual is NaN, and q (±∞ or NaN) is the quotient, as the division gives. For dividends
/// whose quotient does not overflow and is not −0 (Adam's are square roots over a divisor in (0, 1]).
/// </summary>
internal static class KnownDivisor
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide<T>(Vector512<T> x, Vector512<T> d, Vector512<T> r) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var q = x * r;
        var residual = Lanes512<T>.Fma(-q, d, x);
        return Vector512.ConditionalSelect(Vector512.Equals(residual, residual), Lanes512<T>.Fma(residual, r, q), q);
    }
}

/// <summary>Adam's per-step constants broadcast to 512-bit lanes once per pass, and the update of one vector of parameters.</summary>
internal readonly struct AdamLanes512<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _beta1, _beta2, _oneMinusBeta1, _oneMinusBeta2, _eps, _bc2Sqrt, _bc2Reciprocal, _stepSize, _weightDecay;
    private readonly bool _decays;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public AdamLanes512(in AdamScalars<T> s)
    {
        _beta1 = Vector512.Create(s.Beta1); _beta2 = Vector512.Create(s.Beta2);
        _oneMinusBeta1 = Vector512.Create(s.OneMinusBeta1); _oneMinusBeta2 = Vector512.Create(s.OneMinusBeta2);
        _eps = Vector512.Create(s.Eps); _bc2Sqrt = Vector512.Create(s.Bc2Sqrt); _bc2Reciprocal = Vector512.Create(s.Bc2Reciprocal);
        _stepSize = Vector512.Create(s.StepSize); _weightDecay = Vector512.Create(s.WeightDecay);
        _decays = s.Decays;
    }

    /// <summary>
    /// One vector of the update: m and v advanced in place, the new parameters returned, and the denominator √v̂ + ε
    /// they were divided by. Bound by its square roots and divisions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<T> Update(Vector512<T> p, Vector512<T> g, ref Vector512<T> m, ref Vector512<T> v, out Vector512<T> denominator)
    {
        var d = CoupledDecay.Apply(g, p, _weightDecay, _decays);
        m = _beta1 * m + _oneMinusBeta1 * d;
        v = _beta2 * v + _oneMinusBeta2 * (d * d);
        denominator = KnownDivisor.Divide(Vector512.Sqrt(v), _bc2Sqrt, _bc2Reciprocal) + _eps;
        return p - _stepSize * (m / denominator);
    }
}

public partial class Adam
{
    /// <summary>
    /// The non-AMSGrad update in one fused pass. Each element needs a square root and two divisions, rounded as
    /// PyTorch's: on 512-bit lanes the division by the bias correction's square root (the same for every element)
    /// goes through <see cref="KnownDivisor"/>, the other stays a division. They bound the pass more than memory does:
    /// the widest vectors and both cores pay off on the large weight matrices.
    /// </summary>
    private static unsafe void AdamUpdate<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, AdamScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = param.Length;
        fixed (T* pp = param)
        fixed (T* pg = grad)
        fixed (T* pm = m)
        fixed (T* pv = v)
        {
            int half = ParameterHalves.Split(n);
            if (half == 0)
            {
                AdamRange(pp, pg, pm, pv, 0, n, s);
                return;
            }
            nint ap = (nint)pp, ag = (nint)pg, am = (nint)pm, av = (nint)pv;
            GemmWorkers.Run(2, i =>
            {
                var (from, to) = ParameterHalves.Range(i, half, n);
                AdamRange((T*)ap, (T*)ag, (T*)am, (T*)av, from, to, s);
            });
        }
    }

    /// <summary>
    /// The update of the vectors from k on (starting at most at <paramref name="last"/>), until a Float32 vector whose first
    /// moment has a lane near zero (<see cref="NearZeroFloat32.AnyTiny"/>); returns where it stopped (past
    /// <paramref name="last"/> when done).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Ordinary512<T>(T* p, T* g, T* m, T* v, int k, int last, in AdamScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var lanes = new AdamLanes512<T>(s);
        for (; k <= last; k += Vector512<T>.Count)
        {
            var mk = Vector512.Load(m + k);
            // Moments of units whose gradient stays zero decay into subnormals, which this loop would pay dearly for.
            if (typeof(T) == typeof(float) && NearZeroFloat32.AnyTiny(mk.AsSingle())) return k;
            var vk = Vector512.Load(v + k);
            var pk = lanes.Update(Vector512.Load(p + k), Vector512.Load(g + k), ref mk, ref vk, out _);
            mk.Store(m + k);
            vk.Store(v + k);
            pk.Store(p + k);
        }
        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AdamRange<T>(T* p, T* g, T* m, T* v, int from, int to, AdamScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = from;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            // The ordinary loop stops at a Float32 vector with a moment near zero; such runs (a dead unit's row) go
            // through AdamTinyLanes, and the loop resumes after them. No call inside the loop keeps its constants in registers.
            int last = to - Vector512<T>.Count;
            while ((k = Ordinary512(p, g, m, v, k, last, s)) <= last)
                k = AdamTinyLanes.UpdateWhileTiny((float*)p, (float*)g, (float*)m, (float*)v, k, last, Unsafe.BitCast<AdamScalars<T>, AdamScalars<float>>(s));
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var b1 = Vector256.Create(s.Beta1); var b2 = Vector256.Create(s.Beta2);
            var c1 = Vector256.Create(s.OneMinusBeta1); var c2 = Vector256.Create(s.OneMinusBeta2);
            var eps = Vector256.Create(s.Eps); var bc2 = Vector256.Create(s.Bc2Sqrt);
            var step = Vector256.Create(s.StepSize); var wd = Vector256.Create(s.WeightDecay);
            for (; k <= to - Vector256<T>.Count; k += Vector256<T>.Count)
            {
                var pk = Vector256.Load(p + k);
                var d = CoupledDecay.Apply(Vector256.Load(g + k), pk, wd, s.Decays);
                var mk = b1 * Vector256.Load(m + k) + c1 * d;
                var vk = b2 * Vector256.Load(v + k) + c2 * (d * d);
                mk.Store(m + k);
                vk.Store(v + k);
                (pk - step * (mk / (Vector256.Sqrt(vk) / bc2 + eps))).Store(p + k);
            }
        }
        for (; k < to; k++)
        {
            T d = CoupledDecay.Apply(g[k], p[k], s.WeightDecay, s.Decays);
            m[k] = s.Beta1 * m[k] + s.OneMinusBeta1 * d;
            // c₂·(d·d), as the vector loops group it, so an element's bits do not depend on where it falls.
            v[k] = s.Beta2 * v[k] + s.OneMinusBeta2 * (d * d);
            p[k] -= s.StepSize * (m[k] / (T.Sqrt(v[k]) / s.Bc2Sqrt + s.Eps));
        }
    }
}
