using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Overfit.Tensors.Kernels;

namespace Overfit.Optim;

/// <summary>The per-step constants and switches of one SGD update (the constants in the parameter's precision).</summary>
internal readonly record struct SgdScalars<T>(T Lr, T WeightDecay, T Momentum, T Keep, bool Decay, bool UseMomentum, bool First, bool Nesterov)
    where T : unmanaged, IFloatingPointIeee754<T>;

public sealed partial class SGD
{
    /// <summary>Parameters at least this long are updated in two halves on two cores (when GEMM may use two threads).</summary>
    private const int ParallelLength = 1 << 15;

    /// <summary>
    /// The update in one pass over the parameter, its gradient and its momentum buffer, on the widest vectors, in the
    /// scalar formula's order of operations (so the same bits): d = g (+ wd·θ), b = d or μ·b + (1 − dampening)·d,
    /// d = d + μ·b (Nesterov) or b, θ −= lr·d. The weight decay term is added only when there is one, as in the
    /// formula: adding 0·θ would turn a gradient of −0 into +0, and ±∞ in θ into NaN.
    /// </summary>
    private static unsafe void SgdUpdate<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> buffer, SgdScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = param.Length;
        fixed (T* pp = param)
        fixed (T* pg = grad)
        fixed (T* pb = buffer)
        {
            if (n < ParallelLength || Threading.Effective < 2)
            {
                SgdRange(pp, pg, pb, 0, n, s);
                return;
            }
            nint ap = (nint)pp, ag = (nint)pg, ab = (nint)pb;
            // Halves aligned to 64 elements so both run whole vectors.
            int half = n / 2 / 64 * 64;
            GemmWorkers.Run(2, i =>
            {
                int from = i == 0 ? 0 : half, to = i == 0 ? half : n;
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
            var lr = Vector512.Create(s.Lr); var wd = Vector512.Create(s.WeightDecay);
            var mu = Vector512.Create(s.Momentum); var keep = Vector512.Create(s.Keep);
            for (; k <= to - Vector512<T>.Count; k += Vector512<T>.Count)
            {
                var pk = Vector512.Load(p + k);
                var d = Vector512.Load(g + k);
                if (s.Decay) d += wd * pk;
                if (s.UseMomentum)
                {
                    var bk = s.First ? d : mu * Vector512.Load(b + k) + keep * d;
                    bk.Store(b + k);
                    d = s.Nesterov ? d + mu * bk : bk;
                }
                (pk - lr * d).Store(p + k);
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var lr = Vector256.Create(s.Lr); var wd = Vector256.Create(s.WeightDecay);
            var mu = Vector256.Create(s.Momentum); var keep = Vector256.Create(s.Keep);
            for (; k <= to - Vector256<T>.Count; k += Vector256<T>.Count)
            {
                var pk = Vector256.Load(p + k);
                var d = Vector256.Load(g + k);
                if (s.Decay) d += wd * pk;
                if (s.UseMomentum)
                {
                    var bk = s.First ? d : mu * Vector256.Load(b + k) + keep * d;
                    bk.Store(b + k);
                    d = s.Nesterov ? d + mu * bk : bk;
                }
                (pk - lr * d).Store(p + k);
            }
        }
        for (; k < to; k++)
        {
            T d = g[k];
            if (s.Decay) d += s.WeightDecay * p[k];
            if (s.UseMomentum)
            {
                b[k] = s.First ? d : s.Momentum * b[k] + s.Keep * d;
                d = s.Nesterov ? d + s.Momentum * b[k] : b[k];
            }
            p[k] -= s.Lr * d;
        }
    }
}
