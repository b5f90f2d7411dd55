namespace Overfit.Tuning;

/// <summary>
/// The uniform stream of numpy's legacy <c>RandomState(seed)</c> (MT19937 seeded by init_genrand, doubles with 53 bits
/// from two 32-bit outputs), the generator behind Optuna 3.1's samplers. Given to <see cref="TpeSampler"/> through its
/// internal constructor it makes Optuna's draws, so a run reproduces Optuna's <c>TPESampler(seed=seed)</c> trial for trial
/// and the two samplers can be compared on the same streams.
/// </summary>
internal sealed class NumpyRandomState
{
    private const int N = 624, M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index = N;

    public NumpyRandomState(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
    }

    private uint NextUInt32()
    {
        if (_index >= N)
        {
            for (int i = 0; i < N; i++)
            {
                uint y = (_mt[i] & 0x80000000u) | (_mt[(i + 1) % N] & 0x7fffffffu);
                _mt[i] = _mt[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0);
            }
            _index = 0;
        }
        uint x = _mt[_index++];
        x ^= x >> 11;
        x ^= (x << 7) & 0x9d2c5680u;
        x ^= (x << 15) & 0xefc60000u;
        return x ^ (x >> 18);
    }

    /// <summary>numpy's random_sample(): uniform in [0, 1).</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }
}
