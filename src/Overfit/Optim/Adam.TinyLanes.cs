using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Overfit.Optim;

/// <summary>
/// Adam's Float32 update for sixteen lanes where a moment or the gradient is near zero, without Float32 arithmetic on
/// subnormal numbers. A unit whose gradient is exactly zero (a ReLU that never fires) has its first moment multiplied by
/// β₁ every step: after about 750 steps it is subnormal, and since 0.9 times the smallest subnormal rounds back to it, it
/// stays there. Every 512-bit instruction with a subnormal operand or result takes a microcode assist of about a hundred
/// cycles; with a fifth of the MLP's moments there, its training step ran 40 % slower from the second epoch on. The
/// results are the bits the ordinary loop would store, computed two ways: the common decay of a tiny moment under a zero
/// gradient counts multiples of 2^-149 in Float64 (<see cref="Decay"/>); anything else runs every operation in Float64,
/// each rounded to Float32's grid with gradual underflow (<see cref="UpdateEmulated"/>). Float64 carries more than
/// 2·24 + 2 bits, so rounding its correctly rounded sum, product, quotient or square root of Float32 values again to
/// Float32 gives the correctly rounded Float32 result (Figueroa, "When is double rounding innocuous?", 1995).
/// </summary>
internal static unsafe class AdamTinyLanes
{
    /// <summary>Moments below 2^-110 and gradients below 2^-50 (nonzero) send a vector here: below those, β₁·m, c₂·d² or the update may be subnormal.</summary>
    private const uint TinyMomentBits = (127 - 110) << 23, TinyGradientBits = (127 - 50) << 23;

    /// <summary>2^-83 (the bound below which a parameter cannot move; see <see cref="Update"/>).</summary>
    private const float TwoToMinus83 = 1.0339757656912846e-25f;

    private const double TwoTo149 = 7.1362384635297994e44, TwoToMinus149 = 1.4012984643248171e-45, SmallestNormal = 1.1754943508222875e-38;

    /// <summary>
    /// True when a lane of m is nonzero below 2^-110: the decay of a unit that gets no gradient, the one way moments come
    /// this close to zero in training. (A tiny gradient or second moment with an ordinary m still gives the right bits in
    /// the ordinary loop, only slower; this check is on every vector, so it looks at m alone.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyTiny(Vector512<float> m) => Tiny(m, TinyMomentBits) != Vector512<uint>.Zero;

    /// <summary>All bits set in the lanes where 0 &lt; |x| &lt; the Float32 whose bits are <paramref name="limitBits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Tiny(Vector512<float> x, uint limitBits)
        // |x| − 1 as unsigned is below limit − 1 exactly for 0 < |x| < limit (zero wraps to the largest value).
        => Vector512.LessThan((x.AsUInt32() & Vector512.Create(0x7FFF_FFFFu)) - Vector512<uint>.One, Vector512.Create(limitBits - 1));

    /// <summary>
    /// The update of lanes 0..15, bit for bit as the vector loop computes it. The common case is a unit whose gradient is
    /// zero and whose first moment is tiny: there m ← RN(β₁·m) is counted on the subnormal grid (<see cref="Decay"/>), v ←
    /// RN(β₂·v) is ordinary (or counted the same way once tiny itself), and the parameter provably does not move (the step
    /// is below a quarter of its ulp), so the other lanes run the ordinary update with those moments read as zero.
    /// Anything else takes <see cref="UpdateEmulated"/>.
    /// </summary>
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
        while (k <= last && AnyTiny(Vector512.Load(m + k)));
        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update(float* p, float* g, float* m, float* v, in AdamScalars<float> s)
    {
        var pk = Vector512.Load(p);
        var gk = Vector512.Load(g);
        var m0 = Vector512.Load(m);
        var v0 = Vector512.Load(v);
        var tinyM = Tiny(m0, TinyMomentBits).AsSingle();
        var tinyV = Tiny(v0, TinyMomentBits).AsSingle();
        var zeroG = Vector512.Equals(gk, Vector512<float>.Zero);
        var zeroOrTinyM = tinyM | Vector512.Equals(m0, Vector512<float>.Zero);
        // β > 1/2 keeps RN(β·m) and RN(β·v) nonzero, so adding the zero c·d cannot change them (or their signs). A tiny
        // v (after tens of thousands of zero gradients) is allowed where m is tiny or zero: the lane's step is then zero
        // or provably lost, whatever √v̂ adds to ε, so the ordinary update may read that v as zero (ε > 0).
        bool decayOnly = s.WeightDecay == 0f && s.Beta1 > 0.5f && s.Beta2 > 0.5f && s.Eps > 0f
            && Tiny(gk, TinyGradientBits) == Vector512<uint>.Zero
            && Vector512.AndNot(tinyM, zeroG) == Vector512<float>.Zero
            && Vector512.AndNot(tinyV, zeroG & zeroOrTinyM) == Vector512<float>.Zero;
        if (decayOnly)
        {
            var mk = Vector512.ConditionalSelect(tinyM, Vector512<float>.Zero, m0);
            var vk = Vector512.ConditionalSelect(tinyV, Vector512<float>.Zero, v0);
            var pNew = new AdamLanes512<float>(s).Update(pk, gk, ref mk, ref vk, out var denominator);
            // |RN(step·RN(m'/den))| ≤ step·2^-110·(1 + 2^-22)/den stays below ulp(p)/4 > |p|·2^-26 wherever |p|·den ≥ step·2^-83
            // (the denominator computed here is at most the true one).
            var still = Vector512.GreaterThanOrEqual(Vector512.Abs(pk) * denominator, Vector512.Create(s.StepSize * TwoToMinus83));
            if (Vector512.AndNot(tinyM, still) == Vector512<float>.Zero)
            {
                Vector512.ConditionalSelect(tinyM, Decay(m0, s.Beta1), mk).Store(m);
                Vector512.ConditionalSelect(tinyV, Decay(v0, s.Beta2), vk).Store(v);
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
            var pk = Widen(Vector256.Load(p + half));
            var d = Round(Widen(Vector256.Load(g + half)) + Round(Vector512.Create((double)s.WeightDecay) * pk));
            var mk = Round(Round(Vector512.Create((double)s.Beta1) * Widen(Vector256.Load(m + half))) + Round(Vector512.Create((double)s.OneMinusBeta1) * d));
            var vk = Round(Round(Vector512.Create((double)s.Beta2) * Widen(Vector256.Load(v + half)))
                + Round(Vector512.Create((double)s.OneMinusBeta2) * Round(d * d)));
            var denominator = Round(Round(Round(Vector512.Sqrt(vk)) / Vector512.Create((double)s.Bc2Sqrt)) + Vector512.Create((double)s.Eps));
            var update = Round(Vector512.Create((double)s.StepSize) * Round(mk / denominator));
            Narrow(mk).Store(m + half);
            Narrow(vk).Store(v + half);
            Narrow(Round(pk - update)).Store(p + half);
        }
    }

    /// <summary>
    /// RN(β·m) for |m| &lt; 2^-110 (β in (1/2, 1)) without subnormal arithmetic. Below 2^-125 a Float32 is its magnitude
    /// bits times 2^-149 (the subnormals and the lowest binade alike), so the product rounds to an integer count of 2^-149:
    /// exact in Float64 (a 24-bit by 25-bit product), rounded to even by the conversion back. Above, β·m is normal.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Decay(Vector512<float> m, float beta)
    {
        var bits = m.AsInt32();
        var magnitude = bits & Vector512.Create(0x7FFF_FFFF);
        var onGrid = Vector512.LessThan(magnitude, Vector512.Create(0x0100_0000));
        var b = Vector512.Create((double)beta);
        var low = Avx512F.ConvertToVector256Int32(Avx512F.ConvertToVector512Double(magnitude.GetLower()) * b, FloatRoundingMode.ToEven);
        var high = Avx512F.ConvertToVector256Int32(Avx512F.ConvertToVector512Double(magnitude.GetUpper()) * b, FloatRoundingMode.ToEven);
        var counted = (Vector512.Create(low, high) | (bits & Vector512.Create(unchecked((int)0x8000_0000)))).AsSingle();
        var product = Vector512.Create(beta) * Vector512.ConditionalSelect(onGrid.AsSingle(), Vector512<float>.Zero, m);
        return Vector512.ConditionalSelect(onGrid.AsSingle(), counted, product);
    }

    /// <summary>Eight Float32 values exactly as Float64; a subnormal is its integer significand times 2^-149.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Widen(Vector256<float> x)
    {
        var bits = x.AsInt32();
        var belowNormal = Vector256.Equals(bits & Vector256.Create(0x7F80_0000), Vector256<int>.Zero);
        // Zero and subnormal lanes: significand · 2^-149, then the sign bit; the others convert as they are.
        var significand = Avx512F.ConvertToVector512Double(bits & Vector256.Create(0x007F_FFFF)) * Vector512.Create(TwoToMinus149);
        var sign = Avx512F.ConvertToVector512Int64(bits).AsUInt64() & Vector512.Create(0x8000_0000_0000_0000ul);
        var small = (significand.AsUInt64() | sign).AsDouble();
        var normal = Avx512F.ConvertToVector512Double(Vector256.ConditionalSelect(belowNormal, Vector256<int>.Zero, bits).AsSingle());
        return Vector512.ConditionalSelect(Avx512F.ConvertToVector512Int64(belowNormal).AsDouble(), small, normal);
    }

    /// <summary>
    /// The Float32 value nearest to x (ties to even), as Float64. Below 2^-126 the Float32 grid is the multiples of 2^-149,
    /// so x·2^149 rounds to an integer; above, a conversion to Float32 and back rounds with no subnormal involved.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Round(Vector512<double> x)
    {
        var belowNormal = Vector512.LessThan(Vector512.Abs(x), Vector512.Create(SmallestNormal));
        var onGrid = Vector512.Round(x * Vector512.Create(TwoTo149)) * Vector512.Create(TwoToMinus149);
        var normal = Avx512F.ConvertToVector512Double(Avx512F.ConvertToVector256Single(Vector512.ConditionalSelect(belowNormal, Vector512<double>.Zero, x)));
        return Vector512.ConditionalSelect(belowNormal, onGrid, normal);
    }

    /// <summary>Float64 values on the Float32 grid back to Float32; below 2^-126 the bits are built from the integer significand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Narrow(Vector512<double> x)
    {
        var belowNormal = Vector512.LessThan(Vector512.Abs(x), Vector512.Create(SmallestNormal));
        var normal = Avx512F.ConvertToVector256Single(Vector512.ConditionalSelect(belowNormal, Vector512<double>.Zero, x)).AsInt32();
        var significand = Avx512F.ConvertToVector256Int32(Vector512.Abs(x) * Vector512.Create(TwoTo149));
        var sign = Avx512F.ConvertToVector256Int32((x.AsUInt64() >>> 32).AsInt64()) & Vector256.Create(unchecked((int)0x8000_0000));
        var small = significand | sign;
        var lanes = Avx512F.ConvertToVector256Int32(belowNormal.AsInt64());
        return Vector256.ConditionalSelect(lanes, small, normal).AsSingle();
    }
}
