using Overfit.Tensors;

namespace Overfit.Data.Random;

/// <summary>
/// NumPy's legacy <c>numpy.random.RandomState</c>, bit for bit: the MT19937 Mersenne Twister seeded
/// like <c>RandomState(seed)</c> for an integer seed, 53-bit <c>random_sample</c> doubles, the polar
/// Box-Muller <c>gauss</c> that caches its second value, masked-rejection <c>randint</c>, and the legacy
/// Fisher-Yates <c>shuffle</c>/<c>permutation</c>. It exists so that the chapter's seeded NumPy examples
/// (<c>np.random.seed(42); np.random.rand(50, 2)</c>, <c>train_test_split(random_state=42)</c>) produce
/// the same numbers here. Everything else in the library uses <see cref="Generator"/>.
/// </summary>
public sealed partial class RandomState
{
    private const int StateLength = 624;
    private const int ShiftDistance = 397;
    private readonly uint[] _key = new uint[StateLength];
    private int _position;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>Seeds like <c>numpy.random.RandomState(seed)</c>; the seed must lie in [0, 2^32 - 1].</summary>
    public RandomState(long seed) => Seed(seed);

    /// <summary>Reseeds like <c>numpy.random.seed(seed)</c> and forgets any cached normal value.</summary>
    public void Seed(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, $"seed must be between 0 and 2^32 - 1 (as in NumPy), got {seed}");
        uint s = (uint)seed;
        for (int i = 0; i < StateLength; i++)
        {
            _key[i] = s;
            s = 1812433253u * (s ^ (s >> 30)) + (uint)(i + 1);
        }
        _position = StateLength;
        _hasGauss = false;
        _gauss = 0;
    }

    /// <summary>The raw MT19937 state words (NumPy's <c>get_state()[1]</c>), copied.</summary>
    public uint[] StateWords() => (uint[])_key.Clone();

    /// <summary>The next raw 32-bit output of the generator.</summary>
    public uint NextUInt32()
    {
        if (_position == StateLength) Regenerate();
        uint y = _key[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Two 32-bit outputs, the first in the high word (NumPy's legacy <c>next_uint64</c>).</summary>
    public ulong NextUInt64() => ((ulong)NextUInt32() << 32) | NextUInt32();

    private void Regenerate()
    {
        const uint upperMask = 0x80000000u, lowerMask = 0x7fffffffu, matrixA = 0x9908b0dfu;
        int i = 0;
        for (; i < StateLength - ShiftDistance; i++)
        {
            uint y = (_key[i] & upperMask) | (_key[i + 1] & lowerMask);
            _key[i] = _key[i + ShiftDistance] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA);
        }
        for (; i < StateLength - 1; i++)
        {
            uint y = (_key[i] & upperMask) | (_key[i + 1] & lowerMask);
            _key[i] = _key[i + ShiftDistance - StateLength] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA);
        }
        uint last = (_key[StateLength - 1] & upperMask) | (_key[0] & lowerMask);
        _key[StateLength - 1] = _key[ShiftDistance - 1] ^ (last >> 1) ^ ((last & 1) == 0 ? 0 : matrixA);
        _position = 0;
    }

    /// <summary>Uniform double in [0, 1) from 27 + 26 random bits (NumPy's <c>random_sample</c>).</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>Standard normal by the polar method; every second call returns the cached partner value.</summary>
    public double NextGaussian()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            return _gauss;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary>
    /// Uniform integer in [0, max] by masked rejection (NumPy's <c>random_interval</c>, used by the legacy
    /// shuffle): draw with all bits above max's top bit cleared until the value is at most max.
    /// </summary>
    public ulong NextInterval(ulong max)
    {
        if (max == 0) return 0;
        ulong mask = SmallestMaskCovering(max);
        if (max <= uint.MaxValue)
        {
            ulong value;
            while ((value = NextUInt32() & mask) > max) { }
            return value;
        }
        else
        {
            ulong value;
            while ((value = NextUInt64() & mask) > max) { }
            return value;
        }
    }

    private static ulong SmallestMaskCovering(ulong max)
    {
        ulong mask = max;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4;
        mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32;
        return mask;
    }
}
