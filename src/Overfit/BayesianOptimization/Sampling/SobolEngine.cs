using System.Numerics;
using Overfit.Tensors;

namespace Overfit.BayesianOptimization;

/// <summary>
/// Sobol low-discrepancy sequence (Gray-code order, 32-bit digits) in up to <see cref="MaxDimension"/> dimensions,
/// optionally scrambled by a random lower-triangular linear matrix scramble plus a random digital shift (the
/// scrambling scipy.stats.qmc.Sobol and torch.quasirandom.SobolEngine use). Scrambling keeps the net property:
/// the first 2^m points put exactly one point in each interval [k/2^m, (k+1)/2^m) of every coordinate.
/// </summary>
public sealed class SobolEngine
{
    /// <summary>Largest supported dimension.</summary>
    public const int MaxDimension = 32;
    private const int Bits = 32;
    private readonly uint[][] _directions; // [dim][bit], bit 31 of each entry is the first binary digit
    private readonly uint[] _state;

    /// <summary>Number of coordinates per point.</summary>
    public int Dimension { get; }
    /// <summary>Whether the sequence is scrambled.</summary>
    public bool Scrambled { get; }
    /// <summary>How many points have been drawn so far.</summary>
    public long NumGenerated { get; private set; }

    /// <summary>A Sobol engine (like torch.quasirandom.SobolEngine / scipy.stats.qmc.Sobol).</summary>
    /// <param name="dimension">Coordinates per point, 1..<see cref="MaxDimension"/>.</param>
    /// <param name="scramble">Apply a linear matrix scramble and digital shift.</param>
    /// <param name="seed">Seed of the scramble.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is outside 1..MaxDimension.</exception>
    public SobolEngine(int dimension, bool scramble = true, ulong seed = 0)
    {
        if (dimension < 1 || dimension > MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"expected a dimension in 1..{MaxDimension}, got {dimension}");
        Dimension = dimension;
        Scrambled = scramble;
        _directions = new uint[dimension][];
        for (int d = 0; d < dimension; d++) _directions[d] = DirectionNumbers(d);
        _state = new uint[dimension];
        if (scramble)
        {
            var rng = new Generator(seed);
            for (int d = 0; d < dimension; d++)
            {
                ScrambleLinear(_directions[d], rng);
                _state[d] = (uint)(rng.NextUInt64() >> 32); // digital shift: the first point is the shift itself
            }
        }
    }

    private static uint[] DirectionNumbers(int dim)
    {
        var v = new uint[Bits];
        int poly = SobolDirectionNumbers.Polynomials[dim];
        int s = BitOperations.Log2((uint)poly);
        if (s == 0)
        {
            for (int i = 0; i < Bits; i++) v[i] = 1u << (Bits - 1 - i);
            return v;
        }
        int a = (poly >> 1) & ((1 << (s - 1)) - 1);
        var m = new ulong[Bits];
        var init = SobolDirectionNumbers.Initial[dim];
        for (int i = 0; i < s; i++) m[i] = (ulong)init[i];
        for (int i = s; i < Bits; i++)
        {
            ulong mi = m[i - s] ^ (m[i - s] << s);
            for (int k = 1; k < s; k++)
                if (((a >> (s - 1 - k)) & 1) != 0) mi ^= m[i - k] << k;
            m[i] = mi;
        }
        for (int i = 0; i < Bits; i++) v[i] = (uint)(m[i] << (Bits - 1 - i));
        return v;
    }

    /// <summary>Multiplies each direction number (a column of binary digits) by a random unit lower-triangular matrix.</summary>
    private static void ScrambleLinear(uint[] v, Generator rng)
    {
        var rows = new uint[Bits]; // rows[k]: which input digits j <= k feed output digit k (MSB-first positions)
        for (int k = 0; k < Bits; k++)
        {
            uint below = k == 0 ? 0u : (uint)(rng.NextUInt64() >> 32) & ~(uint.MaxValue >> k);
            rows[k] = below | (1u << (Bits - 1 - k));
        }
        for (int i = 0; i < Bits; i++)
        {
            uint x = v[i], y = 0;
            for (int k = 0; k < Bits; k++)
                if ((BitOperations.PopCount(x & rows[k]) & 1) != 0) y |= 1u << (Bits - 1 - k);
            v[i] = y;
        }
    }

    /// <summary>Draws the next n points as an n×Dimension row-major array in [0, 1).</summary>
    public double[] Draw(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"expected a non-negative count, got {n}");
        var result = new double[n * Dimension];
        const double scale = 1.0 / 4294967296.0;
        for (int i = 0; i < n; i++)
        {
            for (int d = 0; d < Dimension; d++) result[i * Dimension + d] = _state[d] * scale;
            Advance();
        }
        return result;
    }

    /// <summary>Skips n points.</summary>
    public SobolEngine FastForward(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"expected a non-negative count, got {n}");
        for (int i = 0; i < n; i++) Advance();
        return this;
    }

    private void Advance()
    {
        // Gray-code step: flip the direction number of the lowest zero bit of the current index.
        int c = BitOperations.TrailingZeroCount(~(ulong)NumGenerated);
        if (c >= Bits) throw new InvalidOperationException($"a {Bits}-bit Sobol sequence holds at most 2^{Bits} points");
        for (int d = 0; d < Dimension; d++) _state[d] ^= _directions[d][c];
        NumGenerated++;
    }

    /// <summary>
    /// n×d quasi-random standard normal draws: scrambled Sobol points through the inverse normal CDF
    /// (BoTorch's NormalQMCEngine with inverse transform). Used as fixed base samples of Monte Carlo acquisitions.
    /// </summary>
    public static double[] DrawNormal(int n, int dimension, ulong seed)
    {
        var u = new SobolEngine(dimension, scramble: true, seed: seed).Draw(n);
        for (int i = 0; i < u.Length; i++)
            u[i] = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, Math.Clamp(u[i], 1e-10, 1 - 1e-10));
        return u;
    }
}
