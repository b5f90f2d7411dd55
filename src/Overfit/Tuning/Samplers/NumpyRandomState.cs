namespace Overfit.Tuning;

/// <summary>
/// The uniform stream of numpy's legacy <c>RandomState(seed)</c> (MT19937, doubles with 53 bits from two 32-bit
/// outputs), the generator behind Optuna 3.1's samplers. The seeded <see cref="RandomSampler"/> and
/// <see cref="TpeSampler"/> draw from it, so their runs reproduce Optuna's <c>RandomSampler(seed=seed)</c> and
/// <c>TPESampler(seed=seed)</c> trial for trial.
/// </summary>
internal sealed class NumpyRandomState
{
    private const int N = 624, M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index = N;

    /// <summary>Seeds as numpy does: a seed below 2³² by init_genrand (<c>RandomState(seed)</c>); a larger one, which
    /// numpy refuses as an integer, by init_by_array over its two 32-bit halves (<c>RandomState([low, high])</c>).</summary>
    public NumpyRandomState(ulong seed)
    {
        if (seed <= uint.MaxValue) InitGenrand((uint)seed);
        else InitByArray([(uint)seed, (uint)(seed >> 32)]);
    }

    private void InitGenrand(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
    }

    private void InitByArray(uint[] key)
    {
        InitGenrand(19650218u);
        int i = 1, j = 0;
        for (int k = Math.Max(N, key.Length); k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j;
            i++; j++;
            if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
            if (j >= key.Length) j = 0;
        }
        for (int k = N - 1; k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i;
            i++;
            if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
        }
        _mt[0] = 0x80000000u;
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
