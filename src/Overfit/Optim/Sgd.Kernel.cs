using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Overfit.Tensors.Kernels;

namespace Overfit.Optim;

/// <summary>The per-step constants and switches of one SGD update (the constants in the parameter's precision).</summary>
internal readonly record struct SgdScalars<T>(T Lr, T WeightDecay, T Momentum, T Keep, bool Decays, bool UseMomentum, bool First, bool Nesterov)
    where T : unmanaged, IFloatingPointIeee754<T>;

public sealed partial class SGD
{
    /// <summary>
    /// The update in one pass over the parameter, its gradient and its momentum buffer, on the widest vectors, in the
    /// scalar formula's order of operations (so the same bits): d = g (+ wd·θ, <see cref="CoupledDecay"/>), b = d or
    /// μ·b + (1 − dampening)·d, d = d + μ·b (Nesterov) or b, θ −= lr·d.
    /// </summary>
    private static unsafe void SgdUpdate<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> buffer, SgdScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = param.Length;
        fixed (T* pp = param)
        fixed (T* pg = grad)
        fixed (T* pb = buffer)
        {
            int half = ParameterHalves.Split(n);
            if (half == 0)
            {
                SgdRange(pp, pg, pb, 0, n, s);
                return;
            }
            nint ap = (nint)pp, ag = (nint)pg, ab = (nint)pb;
            GemmWorkers.Run(2, i =>
            {
                var (from, to) = ParameterHalves.Range(i, half, n);
                SgdRange((T*)ap, (T*)ag, (T*)ab, from, to, s);
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SgdRange<T>(T* p, T* g, T* b, int from, int to, SgdScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = from;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            // The ordinary loop stops at a Float32 vector whose momentum has a lane near zero; such runs (a dead unit's
            // row) go through SgdTinyLanes, and the loop resumes after them.
            int last = to - Vector512<T>.Count;
            while ((k = Ordinary512(p, g, b, k, last, s)) <= last)
                k = SgdTinyLanes.UpdateWhileTiny((float*)p, (float*)g, (float*)b, k, last, Unsafe.BitCast<SgdScalars<T>, SgdScalars<float>>(s));
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var lr = Vector256.Create(s.Lr); var wd = Vector256.Create(s.WeightDecay);
            var mu = Vector256.Create(s.Momentum); var keep = Vector256.Create(s.Keep);
            for (; k <= to - Vector256<T>.Count; k += Vector256<T>.Count)
            {
                var pk = Vector256.Load(p + k);
                var d = CoupledDecay.Apply(Vector256.Load(g + k), pk, wd, s.Decays);
                if (s.UseMomentum)
                {
                    var bk = s.First ? d : mu * Vector256.Load(b + k) + keep * d;
                    bk.Store(b + k);
                    d = s.Nesterov ? d + mu * bk : bk;
                }
                (pk - lr * d).Store(p + k);
            }
        }
        ScalarRange(p, g, b, k, to, s);
    }

    /// <summary>
    /// The vectors from k on (starting at most at <paramref name="last"/>), until a Float32 vector whose momentum has a
    /// lane near zero (<see cref="NearZeroFloat32.AnyTiny"/>); returns where it stopped (past <paramref name="last"/> when done).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Ordinary512<T>(T* p, T* g, T* b, int k, int last, in SgdScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var lanes = new SgdLanes512<T>(s);
        bool readsBuffer = s.UseMomentum && !s.First;
        for (; k <= last; k += Vector512<T>.Count)
        {
            var bk = readsBuffer ? Vector512.Load(b + k) : default;
            // Momentum of units whose gradient stays zero decays into subnormals, which this loop would pay dearly for.
            if (typeof(T) == typeof(float) && readsBuffer && NearZeroFloat32.AnyTiny(bk.AsSingle())) return k;
            var pk = lanes.Update(Vector512.Load(p + k), Vector512.Load(g + k), ref bk);
            if (s.UseMomentum) bk.Store(b + k);
            pk.Store(p + k);
        }
        return k;
    }

    /// <summary>The scalar formula over [from, to) (the tail of a pass, and a near-zero vector no faster path takes).</summary>
    internal static unsafe void ScalarRange<T>(T* p, T* g, T* b, int from, int to, in SgdScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = from; k < to; k++)
        {
            T d = CoupledDecay.Apply(g[k], p[k], s.WeightDecay, s.Decays);
            if (s.UseMomentum)
            {
                b[k] = s.First ? d : s.Momentum * b[k] + s.Keep * d;
                d = s.Nesterov ? d + s.Momentum * b[k] : b[k];
            }
            p[k] -= s.Lr * d;
        }
    }
}

/// <summary>SGD's per-step constants broadcast to 512-bit lanes once per pass, and the update of one vector of parameters.</summary>
internal readonly struct SgdLanes512<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _lr, _weightDecay, _momentum, _keep;
    private readonly bool _decays, _useMomentum, _first, _nesterov;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SgdLanes512(in SgdScalars<T> s)
    {
        _lr = Vector512.Create(s.Lr); _weightDecay = Vector512.Create(s.WeightDecay);
        _momentum = Vector512.Create(s.Momentum); _keep = Vector512.Create(s.Keep);
        (_decays, _useMomentum, _first, _nesterov) = (s.Decays, s.UseMomentum, s.First, s.Nesterov);
    }

    /// <summary>The new parameters; <paramref name="b"/> (the momentum buffer, read unless this is the first step) is advanced in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<T> Update(Vector512<T> p, Vector512<T> d, ref Vector512<T> b)
    {
        d = CoupledDecay.Apply(d, p, _weightDecay, _decays);
        if (_useMomentum)
        {
            b = _first ? d : _momentum * b + _keep * d;
            d = _nesterov ? d + _momentum * b : b;
        }
        return p - _lr * d;
    }
}

/// <summary>
/// SGD's Float32 update for sixteen lanes whose momentum is near zero, without Float32 arithmetic on subnormal numbers
/// (<see cref="NearZeroFloat32"/>): under a zero gradient the momentum is multiplied by μ every step and sticks at the
/// smallest subnormals. The bits are those of the ordinary loop.
/// </summary>
internal static unsafe class SgdTinyLanes
{
    /// <summary>
    /// <see cref="Update"/> on the vector at k and each following one (up to <paramref name="last"/>) while its momentum
    /// has a lane near zero; returns the index of the first vector it did not update.
    /// </summary>
    public static int UpdateWhileTiny(float* p, float* g, float* b, int k, int last, in SgdScalars<float> s)
    {
        do
        {
            Update(p + k, g + k, b + k, s);
            k += 16;
        }
        while (k <= last && NearZeroFloat32.AnyTiny(Vector512.Load(b + k)));
        return k;
    }

    /// <summary>
    /// Lanes 0..15. Where the gradient is zero and the momentum tiny (no weight decay, μ &gt; 1/2): b ← RN(μ·b) counted on
    /// the subnormal grid (<see cref="NearZeroFloat32.Decay"/>), and the parameter provably does not move (its step, below
    /// lr·2^-110, is under a quarter of its ulp, checked per lane), so the other lanes run the ordinary update with those
    /// momenta read as zero. Anything else runs the scalar formula (right, only slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update(float* p, float* g, float* b, in SgdScalars<float> s)
    {
        var pk = Vector512.Load(p);
        var gk = Vector512.Load(g);
        var b0 = Vector512.Load(b);
        var tiny = NearZeroFloat32.Tiny(b0, NearZeroFloat32.TinyMomentBits).AsSingle();
        // μ > 1/2 keeps RN(μ·b) nonzero, so adding the zero (1 − dampening)·g cannot change it (or its sign).
        bool decayOnly = !s.Decays && s.UseMomentum && !s.First && s.Momentum > 0.5f
            && NearZeroFloat32.Tiny(gk, NearZeroFloat32.TinyGradientBits) == Vector512<uint>.Zero
            && Vector512.AndNot(tiny, Vector512.Equals(gk, Vector512<float>.Zero)) == Vector512<float>.Zero;
        if (decayOnly)
        {
            // |RN(lr·d)| ≤ lr·2^-110·(1 + 2^-23) stays below ulp(θ)/4 > |θ|·2^-26 wherever |θ| ≥ lr·2^-83.
            var still = Vector512.GreaterThanOrEqual(Vector512.Abs(pk), Vector512.Create(s.Lr * NearZeroFloat32.TwoToMinus83));
            if (Vector512.AndNot(tiny, still) == Vector512<float>.Zero)
            {
                var bk = Vector512.ConditionalSelect(tiny, Vector512<float>.Zero, b0);
                var pNew = new SgdLanes512<float>(s).Update(pk, gk, ref bk);
                Vector512.ConditionalSelect(tiny, NearZeroFloat32.Decay(b0, s.Momentum), bk).Store(b);
                pNew.Store(p);
                return;
            }
        }
        SGD.ScalarRange(p, g, b, 0, 16, s);
    }
}
