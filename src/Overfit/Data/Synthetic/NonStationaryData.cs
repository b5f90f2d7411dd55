using Overfit.Data.Random;

namespace Overfit.Data.Synthetic;

/// <summary>
/// A seeded one-dimensional function whose character changes along the axis, for comparing kernels that must choose
/// one length scale everywhere (an RBF GP) with ones that warp the input first (deep kernel learning).
/// </summary>
public static class NonStationaryData
{
    /// <summary>
    /// On [−1, 1]: a slow, small sine 0.3·sin(2x) left of 0, a step up by 1.5 at 0, then sin(2π(2x + 8x²)), a sine whose
    /// frequency grows linearly from 2 cycles per unit at 0 to 18 at 1. One length scale cannot suit both halves.
    /// </summary>
    public static double StepChirp(double x) => x < 0 ? 0.3 * Math.Sin(2 * x) : 1.5 + Math.Sin(2 * Math.PI * (2 * x + 8 * x * x));

    /// <summary>
    /// <paramref name="points"/> inputs drawn uniformly from [−1, 1] and sorted, with y = <see cref="StepChirp"/>(x) plus
    /// Gaussian noise of standard deviation <paramref name="noise"/>; NumPy's RandomState(seed): x = uniform(−1, 1, points),
    /// then noise * standard_normal(points).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">points &lt; 2 or noise negative or not finite.</exception>
    public static Curve StepChirpSample(long seed, int points, double noise = 0.1)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, $"points must be at least 2, got {points}");
        if (!(noise >= 0) || !double.IsFinite(noise)) throw new ArgumentOutOfRangeException(nameof(noise), noise, $"noise must be finite and >= 0, got {noise}");
        var random = new RandomState(seed);
        double[] x = random.Uniform(-1, 1, points);
        double[] e = random.StandardNormal(points);
        var order = Enumerable.Range(0, points).OrderBy(i => x[i]).ToArray();
        return new Curve(order.Select(i => x[i]).ToArray(), order.Select(i => StepChirp(x[i]) + noise * e[i]).ToArray());
    }
}
