using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Overfit.Optim;

/// <summary>
/// Float32 arithmetic on 512-bit lanes near zero without touching subnormal numbers, for the optimizers' state. Under a
/// gradient that stays exactly zero (a ReLU unit that never fires) a momentum or moment is multiplied by its β &lt; 1 every
/// step, reaches the subnormals, and stays there (β times the smallest subnormal rounds back to it); every 512-bit
/// instruction with a subnormal operand or result then takes a microcode assist of about a hundred cycles. These helpers
/// compute the same bits in Float64 or on integers: subnormals enter through their integer significand, and results are
/// rounded to Float32's grid, gradual underflow included, by integer-valued Float64 arithmetic. Float64 carries more than
/// 2·24 + 2 bits, so rounding its correctly rounded sum, product, quotient or square root of Float32 values again to
/// Float32 gives the correctly rounded Float32 result (Figueroa, "When is double rounding innocuous?", 1995).
/// </summary>
internal static class NearZeroFloat32
{
    /// <summary>The bits of 2^-110 and 2^-50: moments (nonzero) below the first and gradients below the second are near zero, where β·m, c·d² or an update may be subnormal.</summary>
    public const uint TinyMomentBits = (127 - 110) << 23, TinyGradientBits = (127 - 50) << 23;

    /// <summary>2^-83 (with a step below 2^-110, a parameter |θ| ≥ lr·2^-83 cannot move: the step is then under a quarter of its ulp).</summary>
    public const float TwoToMinus83 = 1.0339757656912846e-25f;

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
    public static Vector512<uint> Tiny(Vector512<float> x, uint limitBits)
        // |x| − 1 as unsigned is below limit − 1 exactly for 0 < |x| < limit (zero wraps to the largest value).
        => Vector512.LessThan((x.AsUInt32() & Vector512.Create(0x7FFF_FFFFu)) - Vector512<uint>.One, Vector512.Create(limitBits - 1));

    /// <summary>
    /// RN(β·m) for |m| &lt; 2^-110 (β in (1/2, 1)) without subnormal arithmetic. Below 2^-125 a Float32 is its magnitude
    /// bits times 2^-149 (the subnormals and the lowest binade alike), so the product rounds to an integer count of 2^-149:
    /// exact in Float64 (a 24-bit by 25-bit product), rounded to even by the conversion back. Above, β·m is normal.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Decay(Vector512<float> m, float beta)
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
    public static Vector512<double> Widen(Vector256<float> x)
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
    public static Vector512<double> Round(Vector512<double> x)
    {
        var belowNormal = Vector512.LessThan(Vector512.Abs(x), Vector512.Create(SmallestNormal));
        var onGrid = Vector512.Round(x * Vector512.Create(TwoTo149)) * Vector512.Create(TwoToMinus149);
        var normal = Avx512F.ConvertToVector512Double(Avx512F.ConvertToVector256Single(Vector512.ConditionalSelect(belowNormal, Vector512<double>.Zero, x)));
        return Vector512.ConditionalSelect(belowNormal, onGrid, normal);
    }

    /// <summary>Float64 values on the Float32 grid back to Float32; below 2^-126 the bits are built from the integer significand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Narrow(Vector512<double> x)
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
