using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Optim;

/// <summary>
/// Adam's Float32 update for sixteen lanes whose first moment is near zero, without Float32 arithmetic on subnormal
/// numbers (<see cref="NearZeroFloat32"/>). With a fifth of the MLP's first moments stuck in the subnormals, its training
/// step ran 40 % slower from the second epoch on. The results are the bits the ordinary loop would store, computed two
/// ways: the common decay of a tiny moment under a zero gradient counts multiples of 2^-149
/// (<see cref="NearZeroFloat32.Decay"/>); anything else runs every operation in Float64, each rounded to Float32's grid
/// (<see cref="UpdateEmulated"/>).
/// </summary>
internal static unsafe class AdamTinyLanes
{
    /// <summary>
    /// <see cref="Update"/> on the vector at k and each following one (up to <paramref name="last"/>) while its first
    /// moment has a lane near zero; returns the index of the first vector it did not update.
    /// </summary>
    public static int UpdateWhileTiny(float* p, float* g, float* m, float* v, int k, int last, in AdamScalars<float> s)
    {
        do
        {
            Update(p + k, g + k, m + k, v + k, s);
            k += 16;
        }
        while (k <= last && NearZeroFloat32.AnyTiny(Vector512.Load(m + k)));
        return k;
    }

    /// <summary>
    /// The update of lanes 0..15, bit for bit as the vector loop computes it. The common case is a unit whose gradient is
    /// zero and whose first moment is tiny: there m ← RN(β₁·m) is counted on the subnormal grid (<see cref="NearZeroFloat32.Decay"/>), v ←
    /// RN(β₂·v) is ordinary (or counted the same way once tiny itself), and the parameter provably does not move (the step
    /// is below a quarter of its ulp), so the other lanes run the ordinary update with those moments read as zero.
    /// Anything else takes <see cref="UpdateEmulated"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update(float* p, float* g, float* m, float* v, in AdamScalars<float> s)
    {
        var pk = Vector512.Load(p);
        var gk = Vector512.Load(g);
        var m0 = Vector512.Load(m);
        var v0 = Vector512.Load(v);
        var tinyM = NearZeroFloat32.Tiny(m0, NearZeroFloat32.TinyMomentBits).AsSingle();
        var tinyV = NearZeroFloat32.Tiny(v0, NearZeroFloat32.TinyMomentBits).AsSingle();
        var zeroG = Vector512.Equals(gk, Vector512<float>.Zero);
        var zeroOrTinyM = tinyM | Vector512.Equals(m0, Vector512<float>.Zero);
        // β > 1/2 keeps RN(β·m) and RN(β·v) nonzero, so adding the zero c·d cannot change them (or their signs). A tiny
        // v (after tens of thousands of zero gradients) is allowed where m is tiny or zero: the lane's step is then zero
        // or provably lost, whatever √v̂ adds to ε, so the ordinary update may read that v as zero (ε > 0).
        bool decayOnly = !s.Decays && s.Beta1 > 0.5f && s.Beta2 > 0.5f && s.Eps > 0f
            && NearZeroFloat32.Tiny(gk, NearZeroFloat32.TinyGradientBits) == Vector512<uint>.Zero
            && Vector512.AndNot(tinyM, zeroG) == Vector512<float>.Zero
            && Vector512.AndNot(tinyV, zeroG & zeroOrTinyM) == Vector512<float>.Zero;
        if (decayOnly)
        {
            var mk = Vector512.ConditionalSelect(tinyM, Vector512<float>.Zero, m0);
            var vk = Vector512.ConditionalSelect(tinyV, Vector512<float>.Zero, v0);
            var pNew = new AdamLanes512<float>(s).Update(pk, gk, ref mk, ref vk, out var denominator);
            // |RN(step·RN(m'/den))| ≤ step·2^-110·(1 + 2^-22)/den stays below ulp(p)/4 > |p|·2^-26 wherever |p|·den ≥ step·2^-83
            // (the denominator computed here is at most the true one).
            var still = Vector512.GreaterThanOrEqual(Vector512.Abs(pk) * denominator, Vector512.Create(s.StepSize * NearZeroFloat32.TwoToMinus83));
            if (Vector512.AndNot(tinyM, still) == Vector512<float>.Zero)
            {
                Vector512.ConditionalSelect(tinyM, NearZeroFloat32.Decay(m0, s.Beta1), mk).Store(m);
                Vector512.ConditionalSelect(tinyV, NearZeroFloat32.Decay(v0, s.Beta2), vk).Store(v);
                pNew.Store(p);
                return;
            }
        }
        UpdateEmulated(p, g, m, v, s);
    }

    /// <summary>The whole update of lanes 0..15 emulated in Float64, each operation rounded to Float32 (any inputs).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void UpdateEmulated(float* p, float* g, float* m, float* v, in AdamScalars<float> s)
    {
        for (int half = 0; half < 16; half += 8)
        {
            var pk = NearZeroFloat32.Widen(Vector256.Load(p + half));
            var gk = NearZeroFloat32.Widen(Vector256.Load(g + half));
            var d = s.Decays ? NearZeroFloat32.Round(gk + NearZeroFloat32.Round(Vector512.Create((double)s.WeightDecay) * pk)) : gk;
            var mk = NearZeroFloat32.Round(NearZeroFloat32.Round(Vector512.Create((double)s.Beta1) * NearZeroFloat32.Widen(Vector256.Load(m + half))) + NearZeroFloat32.Round(Vector512.Create((double)s.OneMinusBeta1) * d));
            var vk = NearZeroFloat32.Round(NearZeroFloat32.Round(Vector512.Create((double)s.Beta2) * NearZeroFloat32.Widen(Vector256.Load(v + half)))
                + NearZeroFloat32.Round(Vector512.Create((double)s.OneMinusBeta2) * NearZeroFloat32.Round(d * d)));
            var denominator = NearZeroFloat32.Round(NearZeroFloat32.Round(NearZeroFloat32.Round(Vector512.Sqrt(vk)) / Vector512.Create((double)s.Bc2Sqrt)) + Vector512.Create((double)s.Eps));
            var update = NearZeroFloat32.Round(Vector512.Create((double)s.StepSize) * NearZeroFloat32.Round(mk / denominator));
            NearZeroFloat32.Narrow(mk).Store(m + half);
            NearZeroFloat32.Narrow(vk).Store(v + half);
            NearZeroFloat32.Narrow(NearZeroFloat32.Round(pk - update)).Store(p + half);
        }
    }
}
